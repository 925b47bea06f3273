"""Running one feed of the registry: download or read its files, ingest them as one run.

``run_feed(name)`` is what the worker's tasks and ``cleannet feeds run`` call:

* a ``url`` feed is fetched with the validators (ETag, Last-Modified) of its last good
  download; a 304 answer is recorded as a succeeded run with nothing read;
* a ``path`` feed reads its file, or the files of its directory that are new or changed
  since they were last ingested (hidden files and ``*.part``/``*.tmp`` are skipped, so a
  job dropping files there should write under such a name and rename when done); with
  nothing new, a succeeded empty run is recorded as well, so an operator sees it ran.

A download or a path that fails is recorded as a failed run with the reason. Only one run
of a feed at a time: a second one raises ``FeedBusy`` (a lock in the task queue's store,
shared by the worker and the command line).

Fetch state (validators, files seen) lives in one small JSON file per feed under
``VAR_DIR/fetch-state/``, not in the database: it is a cache whose loss costs one full
download or one re-read (the ingest side recognises content it already stored), and it
keeps the feed model free of transport details. It is saved only after a run that did not
fail, so a download that could not be ingested is downloaded again next time.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from cleannet.core.errors import CleanNetError
from cleannet.engines.feeds.fetch import FetchError, fetch
from cleannet.engines.feeds.registry import FeedEntry, Registry, load_registry
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.feed_sync import sync_feed
from cleannet.server.intel.ingest import ingest_sources, sources_from_paths
from cleannet.server.intel.models import Feed, FeedRun

__all__ = ["FeedBusy", "current_registry", "feed_lock_name", "run_feed"]

Progress = Callable[[int], None]
_SKIPPED_SUFFIXES = (".part", ".tmp")


class FeedBusy(CleanNetError):
    """The feed is being run by another task or command."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"feed {name!r} is already running")


def current_registry() -> Registry:
    """Return the registry ``CLEANNET_FEED_REGISTRY`` names (the packaged one by default).

    Raises ``RegistryError`` naming the file, feed and key of the first problem.
    """
    return load_registry(settings.CLEANNET_FEED_REGISTRY)


def feed_lock_name(name: str) -> str:
    """Return the name of the task-queue lock held while feed ``name`` runs."""
    return f"feed-run-{name}"


@contextmanager
def _only_run(name: str) -> Iterator[None]:
    try:
        with HUEY.lock_task(feed_lock_name(name)):
            yield
    except TaskLockedException:
        raise FeedBusy(name) from None


# --- Fetch state ----------------------------------------------------------------------


def _state_file(name: str) -> Path:
    return Path(settings.VAR_DIR) / "fetch-state" / f"{name}.json"


def _load_state(name: str) -> dict[str, Any]:
    try:
        state = json.loads(_state_file(name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # never fetched, or a damaged cache: start afresh
    return state if isinstance(state, dict) else {}


def _save_state(name: str, state: dict[str, Any]) -> None:
    path = _state_file(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(state, out, indent=2, sort_keys=True)
    os.replace(temporary, path)


# --- Runs that read nothing -----------------------------------------------------------


def _record_run_without_rows(
    feed: Feed, where: str, actor: User | None, *, note: str = "", error: str = ""
) -> FeedRun:
    """Record a finished run that read nothing: succeeded with a note, or failed."""
    run = FeedRun.objects.create(
        feed=feed,
        format=feed.format,
        source_name=where[:500],
        status=FeedRun.Status.FAILED if error else FeedRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        error=error,
        note=note,
    )
    record_change(actor, "feed_run.fetch", run, after=snapshot(run))
    return run


# --- The two kinds of feed ------------------------------------------------------------


def _ingest(
    entry: FeedEntry, feed: Feed, paths: list[Path], actor: User | None, progress: Progress | None
) -> FeedRun:
    sources = sources_from_paths(paths, encoding=entry.encoding)
    return ingest_sources(
        feed, sources, entry.format, entry.parse_options(), actor=actor, progress=progress
    )


def _fetch_options() -> dict[str, Any]:
    return {
        "timeout": settings.CLEANNET_FETCH_TIMEOUT,
        "max_bytes": settings.CLEANNET_FETCH_MAX_BYTES,
        "allow_private": settings.CLEANNET_FETCH_ALLOW_PRIVATE,
        "allowed_networks": settings.CLEANNET_FETCH_ALLOW_NETWORKS,
    }


def _run_url_feed(
    entry: FeedEntry, feed: Feed, actor: User | None, progress: Progress | None
) -> FeedRun:
    state = _load_state(entry.name)
    downloads = Path(settings.VAR_DIR) / "downloads" / entry.name
    try:
        result = fetch(
            entry.url,
            downloads,
            etag=state.get("etag"),
            last_modified=state.get("last_modified"),
            **_fetch_options(),
        )
    except FetchError as exc:
        return _record_run_without_rows(feed, entry.url, actor, error=exc.reason)
    if result.path is None:
        note = "Not modified since the last download (HTTP 304)."
        return _record_run_without_rows(feed, entry.url, actor, note=note)
    run = _ingest(entry, feed, [result.path], actor, progress)
    if run.status != FeedRun.Status.FAILED:
        _save_state(entry.name, {"etag": result.etag, "last_modified": result.last_modified})
    return run


def _files_of(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(
        path
        for path in root.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and not path.name.endswith(_SKIPPED_SUFFIXES)
    )


def _stamp(path: Path) -> list[int]:
    """Return what says a file changed: its size and modification time."""
    status = path.stat()
    return [status.st_size, status.st_mtime_ns]


def _run_path_feed(
    entry: FeedEntry, root: Path, feed: Feed, actor: User | None, progress: Progress | None
) -> FeedRun:
    if not root.exists():
        return _record_run_without_rows(feed, str(root), actor, error=f"{root} does not exist")
    seen: dict[str, Any] = _load_state(entry.name).get("files", {})
    stamps = {path: _stamp(path) for path in _files_of(root)}
    new = [path for path, stamp in stamps.items() if seen.get(path.name) != stamp]
    if not new:
        return _record_run_without_rows(feed, str(root), actor, note="No new or changed file.")
    run = _ingest(entry, feed, new, actor, progress)
    if run.status != FeedRun.Status.FAILED:
        # Files no longer there are forgotten, so the state stays as small as the directory.
        _save_state(entry.name, {"files": {path.name: s for path, s in stamps.items()}})
    return run


def run_feed(
    name: str,
    actor: User | None = None,
    progress: Progress | None = None,
    registry: Registry | None = None,
) -> FeedRun:
    """Run feed ``name`` of ``registry`` (the current one by default) once; return its run.

    The feed's row is created or updated from the registry first. ``progress`` is called
    with the rows read so far. Raises ``RegistryError`` for a name the registry does not
    have and ``FeedBusy`` while another run of the feed holds its lock; a failed download
    or a missing path is a failed run, not an exception.
    """
    entry = (registry or current_registry()).feed(name)
    feed = sync_feed(entry, actor)
    with _only_run(name):
        if entry.local_path is not None:
            return _run_path_feed(entry, entry.local_path, feed, actor, progress)
        return _run_url_feed(entry, feed, actor, progress)
