"""The open breach stores of this process, reloaded only when the registry changes.

Layout of the leak store directory::

    breaches/<breach name>/<kind>-<time>-<token>.store   one per breach and kind
    combined/password_sha1.store, password_ntlm.store     every breach's passwords merged
    generation                                            a token, new on every change

The range endpoints answer without a database query: the list of stores (breach name,
sensitive flag, kind, file) is read once and the files stay memory-mapped. Every change to
the registry writes a new generation token; each process reads that small file at most once
a second and reloads when it changed, so another process's import shows within a second
(this process's own changes show at once). The password range reads one merged store
(``combined/``) when several breaches have passwords, so its cost does not grow with them.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from cleannet.server.leaks import index
from cleannet.server.leaks.models import BreachStore, StoreKind

GENERATION_FILE = "generation"
BREACHES_DIR = "breaches"
COMBINED_DIR = "combined"
PASSWORD_KINDS = (StoreKind.PASSWORD_SHA1.value, StoreKind.PASSWORD_NTLM.value)
RECHECK_SECONDS = 1.0


@dataclass(frozen=True)
class OpenStore:
    breach: str
    sensitive: bool
    kind: str
    path: Path
    store: Any  # the engine's RangeStore


@dataclass(frozen=True)
class Catalogue:
    store_dir: Path
    generation: str
    by_kind: dict[str, tuple[OpenStore, ...]] = field(default_factory=dict)
    combined: dict[str, Any] = field(default_factory=dict)  # kind -> merged RangeStore

    def stores(self, kind: str) -> tuple[OpenStore, ...]:
        return self.by_kind.get(kind, ())

    def range_stores(self, kind: str) -> tuple[Any, ...]:
        """Return the stores to read a range of ``kind`` from: the merged one if there is one."""
        merged = self.combined.get(kind)
        return (merged,) if merged is not None else tuple(o.store for o in self.stores(kind))


_lock = threading.Lock()
_current: Catalogue | None = None
_checked_at = 0.0


def store_dir() -> Path:
    """Return the configured leak store directory."""
    return Path(settings.CLEANNET_LEAKS.store_dir)


def breach_dir(name: str) -> Path:
    """Return the directory of the breach ``name``'s store files."""
    return store_dir() / BREACHES_DIR / name


def combined_path(kind: str) -> Path:
    return store_dir() / COMBINED_DIR / f"{kind}.store"


def _read_generation(directory: Path) -> str:
    try:
        return (directory / GENERATION_FILE).read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return ""


def bump_generation() -> None:
    """Tell every process that the registry changed; this one reloads at its next look-up."""
    directory = store_dir()
    directory.mkdir(parents=True, exist_ok=True)
    scratch = directory / f".{GENERATION_FILE}.{secrets.token_hex(4)}"
    scratch.write_text(secrets.token_hex(8), encoding="ascii")
    scratch.replace(directory / GENERATION_FILE)  # atomic: readers see old or new
    forget_open_stores()


def forget_open_stores() -> None:
    """Drop this process's open stores (they are opened again when next needed)."""
    global _current
    with _lock:
        _current = None


def rebuild_combined_passwords() -> None:
    """Merge every breach's password stores into ``combined/`` (one file per kind); with
    fewer than two breaches there is nothing to merge and the file is removed."""
    for kind in PASSWORD_KINDS:
        target = combined_path(kind)
        paths = [
            store_dir() / p
            for p in BreachStore.objects.filter(kind=kind).values_list("path", flat=True)
        ]
        if len(paths) < 2:
            target.unlink(missing_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        scratch = target.with_name(f".{kind}-{secrets.token_hex(4)}.store")
        try:
            index.merge_stores(paths, scratch)
            # A reader that mapped the old file keeps it until it reloads.
            os.replace(scratch, target)
        finally:
            scratch.unlink(missing_ok=True)


def _open(path: Path, mapped: dict[Path, Any]) -> Any | None:
    store = mapped.get(path)
    if store is None and path.is_file():
        store = index.open_store(path)
    return store


def _load(directory: Path, generation: str, previous: Catalogue | None) -> Catalogue:
    # Breach store files are never rewritten in place (a re-import writes a new file), so a
    # file the previous catalogue mapped is reused as it is; the merged files are replaced
    # under the same name, so they are always opened again.
    mapped: dict[Path, Any] = {}
    if previous is not None and previous.store_dir == directory:
        mapped = {o.path: o.store for opened in previous.by_kind.values() for o in opened}
    by_kind: dict[str, list[OpenStore]] = {}
    for row in BreachStore.objects.select_related("breach").order_by("breach__name", "kind"):
        store = _open(directory / row.path, mapped)
        if store is not None:  # else deleted under us; the next generation drops the row
            opened = OpenStore(
                row.breach.name, row.breach.sensitive, row.kind, directory / row.path, store
            )
            by_kind.setdefault(row.kind, []).append(opened)
    combined = {}
    for kind in PASSWORD_KINDS:
        path = directory / COMBINED_DIR / f"{kind}.store"
        if len(by_kind.get(kind, ())) > 1 and path.is_file():
            combined[kind] = index.open_store(path)
    return Catalogue(directory, generation, {k: tuple(v) for k, v in by_kind.items()}, combined)


def catalogue() -> Catalogue:
    """Return the open stores, reloading them if the registry changed since they were read."""
    global _current, _checked_at
    current, now = _current, time.monotonic()
    if current is not None and now - _checked_at < RECHECK_SECONDS:
        return current
    directory = store_dir()
    generation = _read_generation(directory)
    with _lock:
        _checked_at = now
        current = _current
        if current is None or current.generation != generation or current.store_dir != directory:
            current = _load(directory, generation, current)
            _current = current
    return current
