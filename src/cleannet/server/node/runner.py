"""One run of the node: pull from the hub, match the logs, keep the findings, send the counts.

``run_node()`` is what the worker's task calls (and tests, and an operator's shell). Each
step's failure is recorded on the ``NodeRun`` (status and error text) instead of being
raised: a hub that cannot be reached or a log the readers refuse is a failed run; counts
the hub would not take after the findings were stored is a partial run. Only one run at a
time: a second one raises ``NodeBusy`` (a lock in the task queue's store).
"""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from cleannet.core.errors import CleanNetError
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.config import NodeSettings
from cleannet.server.node.findings import store_findings
from cleannet.server.node.hub_client import HubClient, HubError
from cleannet.server.node.hub_inputs import write_events, write_indicators
from cleannet.server.node.matching import MatchOutcome, NodeInputs, match_logs
from cleannet.server.node.models import NodeRun
from cleannet.server.node.outgoing import daily_count_batches, send_notice_counts

__all__ = ["LOCK_NAME", "NodeBusy", "NotANode", "run_node"]

logger = logging.getLogger(__name__)

LOCK_NAME = "node-match"
_SKIPPED_SUFFIXES = (".part", ".tmp")


class NodeBusy(CleanNetError):
    """Another node run holds the lock."""


class NotANode(CleanNetError):
    """``CLEANNET_NODE_HUB_URL`` is empty: this server is not a node."""


class RunFailed(CleanNetError):
    """A step of the run could not go on; the text is recorded as the run's error."""


@contextmanager
def _only_run() -> Iterator[None]:
    try:
        with HUEY.lock_task(LOCK_NAME):
            yield
    except TaskLockedException:
        raise NodeBusy("a node run is still going") from None


def _files_in(directory: Path | None, pattern: str = "*") -> list[Path]:
    """Return the regular files of ``directory`` matching ``pattern``, sorted; hidden files
    and ``*.part``/``*.tmp`` (being written) are left out. Raises ``RunFailed`` if the
    directory does not exist."""
    if directory is None or not directory.is_dir():
        raise RunFailed(f"{directory} is not a directory")
    return sorted(
        path
        for path in directory.glob(pattern)
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(directory).parts)
        and not path.name.endswith(_SKIPPED_SUFFIXES)
    )


@dataclass(frozen=True)
class _OwnFiles:
    """The ISP's own inputs of a run."""

    logs: list[Path]
    leases: list[Path]
    cgnat: list[Path]


@dataclass(frozen=True)
class _HubFiles:
    """The hub's inputs of a run, as written into its working directory."""

    indicators: Path
    events: Path


def _own_files(node: NodeSettings) -> _OwnFiles:
    """Return the log, lease and CGNAT files; raise ``RunFailed`` if logs or leases are none."""
    logs = _files_in(node.log_dir, node.log_glob)
    if not logs:
        raise RunFailed(f"no file matches {node.log_glob!r} in {node.log_dir}")
    leases = _files_in(node.lease_dir)
    if not leases:
        raise RunFailed(f"no lease file in {node.lease_dir}")
    cgnat = _files_in(node.cgnat_dir) if node.cgnat_dir is not None else []
    return _OwnFiles(logs, leases, cgnat)


def _pull(run: NodeRun, node: NodeSettings, work: Path) -> _HubFiles:
    """Write the hub's indicators and this ISP's recent events into ``work``."""
    hub = HubClient(node.hub_url, node.hub_token, node.hub_timeout)
    since = run.started_at - dt.timedelta(days=node.lookback_days)
    try:
        indicators = write_indicators(hub.indicators(), work / "hub-indicators.csv")
        events = write_events(hub.events(since), work / "hub-events.jsonl")
    except HubError as error:
        raise RunFailed(str(error)) from None
    run.indicators, run.events = indicators.written, events.written
    run.save(update_fields=["indicators", "events"])
    return _HubFiles(indicators.path, events.path)


def _inputs(node: NodeSettings, own: _OwnFiles, hub: _HubFiles, work: Path) -> NodeInputs:
    return NodeInputs(
        logs=own.logs,
        log_format=node.log_format,
        leases=own.leases,
        lease_format=node.lease_format,
        cgnat=own.cgnat,
        indicators=hub.indicators,
        events=hub.events,
        work_dir=work,
        tz=ZoneInfo(node.tz) if node.tz else None,
        engine=node.engine,
        memory_limit=node.memory_limit,
    )


def _keep(run: NodeRun, outcome: MatchOutcome) -> None:
    result = outcome.result
    with transaction.atomic():
        run.findings = store_findings(run, result.findings)
        run.records, run.bad_records = result.records_read, outcome.bad_records
        run.matched, run.unattributed = result.records_matched, result.unattributed.num_rows
        run.note = "\n".join([*result.notes, *outcome.notes])
        run.save()


def _send(run: NodeRun, node: NodeSettings, outcome: MatchOutcome) -> None:
    hub = HubClient(node.hub_url, node.hub_token, node.hub_timeout)
    try:
        for batch in daily_count_batches(outcome.result.daily_counts):
            run.counts_sent += hub.send_daily_counts(batch)
        send_notice_counts(hub)
    except HubError as error:
        _finish(run, NodeRun.Status.PARTIAL, str(error))
    else:
        _finish(run, NodeRun.Status.SUCCEEDED)


def _finish(run: NodeRun, status: str, error: str = "") -> None:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    with transaction.atomic():
        run.save()
        record_change(None, "node_run.finish", run, after=snapshot(run))
    logger.log(
        logging.INFO if status == NodeRun.Status.SUCCEEDED else logging.WARNING,
        "node run %s: %s, %s records, %s matched, %s findings%s",
        run.pk,
        status,
        run.records,
        run.matched,
        run.findings,
        f" ({error})" if error else "",
    )


def _work_root() -> Path:
    root = Path(settings.VAR_DIR) / "node"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _run_steps(run: NodeRun, node: NodeSettings, work: Path) -> None:
    own = _own_files(node)  # before asking the hub for anything
    hub = _pull(run, node, work)
    outcome = match_logs(_inputs(node, own, hub, work))
    _keep(run, outcome)
    _send(run, node, outcome)


def run_node(node: NodeSettings | None = None) -> NodeRun:
    """Run the node once with ``node`` (``settings.CLEANNET_NODE`` by default); return the run.

    Raises ``NotANode`` without a hub URL and ``NodeBusy`` while another run holds the
    lock; every other failure is recorded on the returned run. The run's working files
    (the hub's inputs, converted logs, the engine's spill) are deleted when it ends.
    """
    node = node or settings.CLEANNET_NODE
    if not node.is_node:
        raise NotANode("CLEANNET_NODE_HUB_URL is not set")
    with _only_run():
        run = NodeRun.objects.create(engine=node.engine)
        with tempfile.TemporaryDirectory(dir=_work_root(), prefix=f"run-{run.pk}-") as work:
            try:
                _run_steps(run, node, Path(work))
            except RunFailed as failed:
                _finish(run, NodeRun.Status.FAILED, str(failed))
            except Exception as error:
                # The readers and engines raise many kinds (format, time zone, I/O, the
                # engine's own), storing may too: whichever it is, the run must not stay
                # "running"; it records the error and the worker goes on.
                logger.exception("node run %s failed", run.pk)
                _finish(run, NodeRun.Status.FAILED, f"{type(error).__name__}: {error}")
    return run
