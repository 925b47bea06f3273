"""Ingesting feed content: parse, aggregate, attribute, and store every batch exactly once.

``ingest_sources(feed, sources, format, options)`` is the one entry point (the CLI, the
feed tasks and the tests call it). It runs the pure pipeline of ``cleannet.engines.feeds``
over all the sources in order, and stores each batch in one transaction together with the
run's counters and checkpoint: at every commit ``read == accepted + rejected + duplicates``
and the run says exactly how many input rows are in the database.

Exactly once, for the same content (same feed, format, ``content_digest`` and parse
options):

- a run that died (an exception, a killed process, a lost database) keeps its last
  committed checkpoint; ingesting the content again continues that run: the input is read
  again from the start (in-run duplicate detection needs every row), the batches already
  stored are skipped, and the run ends with the counts of a clean run;
- content already ingested completely gives a new run in which every row is a duplicate;
- a line that is the evidence of its stored event (a list feed downloaded again) is a
  duplicate too (see ``ingest_store``);
- two processes never write one run: continuing a run bumps its ``attempt``, and every
  write of an older attempt checks it and fails (``RunTakenOver``), its batch rolled back.

A source that cannot be read (``FeedFormatError``, a truncated archive) is recorded in the
run's error and the others still go in; the run is then ``partial``, or ``failed`` when
nothing was accepted. Rows refused by the parser are kept (``RejectedRow``), the first
``MAX_REJECTED_ROWS`` of a run only, so a garbage file cannot fill the database.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from cleannet.core.errors import CleanNetError
from cleannet.engines.feeds import (
    Attributor,
    Batch,
    ParseOptions,
    Source,
    columnar_parser_for,
    parser_for,
)
from cleannet.engines.feeds.pipeline import DEFAULT_BATCH_ROWS, DEFAULT_WINDOW
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.attribution import prefix_attributor
from cleannet.server.intel.ingest_input import (
    SourceReader,
    digest_sources,
    options_digest,
    options_for_feed,
    sources_from_paths,
)
from cleannet.server.intel.ingest_store import StoreContext, store_aggregates, store_rejects
from cleannet.server.intel.models import Feed, FeedRun, RejectedRow

__all__ = [
    "MAX_REJECTED_ROWS",
    "RunTakenOver",
    "digest_sources",
    "ingest_sources",
    "options_digest",
    "options_for_feed",
    "sources_from_paths",
]

logger = logging.getLogger(__name__)

MAX_REJECTED_ROWS = 10_000
"""Rejected rows kept per run; the rest are counted in ``FeedRun.rejected`` only."""


class RunTakenOver(CleanNetError):
    """Another process continued this run (its ``attempt`` moved on): this one must stop."""

    def __init__(self, run: FeedRun) -> None:
        super().__init__(f"feed run {run.pk} was continued by another process")


@dataclass
class _Attempt:
    """This call's hold on a run: which attempt it is and what earlier attempts stored."""

    run: FeedRun
    number: int
    batch_rows: int
    stored_rows: int = 0
    kept_rejects: int = 0
    done: bool = False


def ingest_sources(
    feed: Feed | None,
    sources: Iterable[Source],
    format: str,
    options: ParseOptions,
    actor: User | None = None,
    progress: Callable[[int], None] | None = None,
    attribute: Attributor | None = None,
    *,
    window: dt.timedelta = DEFAULT_WINDOW,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> FeedRun:
    """Ingest ``sources`` in ``format`` as one run of ``feed`` (None: no feed); return the run.

    The run returned is finished (see the module docstring for what a repeat does).
    ``attribute`` defaults to the networks' prefix index; ``progress`` is called with the
    rows read so far after each batch. Raises ``FeedFormatError`` for an unknown format
    (before any run is opened) and ``RunTakenOver`` if another process continued the run;
    any other error ends this attempt as interrupted and is raised again.
    """
    parse, columnar = parser_for(format), columnar_parser_for(format)
    readable, digest, errors = digest_sources(sources)
    content = _Content(feed, format, digest, options_digest(options), [s.name for s in readable])
    attempt = _open_run(content, batch_rows, actor)
    if attempt.done:
        return attempt.run
    reader = SourceReader(parse, readable, options, errors=errors, columnar=columnar)
    try:
        _store_all(attempt, reader, attribute or prefix_attributor(), window, progress)
    except BaseException as error:
        _interrupt(attempt, error, actor)
        raise
    return _finish(attempt, reader, actor)


@dataclass(frozen=True)
class _Content:
    """What makes two ingestions the same one."""

    feed: Feed | None
    format: str
    digest: str
    options_digest: str
    names: list[str]

    def runs(self) -> QuerySet[FeedRun]:
        return FeedRun.objects.filter(
            feed=self.feed,
            format=self.format,
            content_digest=self.digest,
            options_digest=self.options_digest,
        )


@transaction.atomic
def _open_run(content: _Content, batch_rows: int, actor: User | None) -> _Attempt:
    """Continue the run of this content that died, or open a new one (see the docstring)."""
    latest = content.runs().select_for_update().order_by("-id").first()
    if latest is not None and (latest.status == FeedRun.Status.RUNNING or latest.interrupted):
        return _continue(latest)
    if latest is not None and latest.status != FeedRun.Status.FAILED:
        return _already_ingested(latest, _names(content.names), actor)
    run = FeedRun.objects.create(
        feed=content.feed,
        format=content.format,
        content_digest=content.digest,
        options_digest=content.options_digest,
        source_name=_names(content.names),
        batch_rows=batch_rows,
    )
    return _Attempt(run, run.attempt, batch_rows)


def _names(names: list[str]) -> str:
    joined = ", ".join(names)
    return joined if len(joined) <= 500 else joined[:499] + "…"


def _continue(run: FeedRun) -> _Attempt:
    """Take over ``run`` (locked by the caller): the next attempt, from its checkpoint."""
    why = run.error or "the process ended without closing it"
    history = f"Attempt {run.attempt} stopped after {run.read:,} rows: {why}"
    FeedRun.objects.filter(pk=run.pk).update(
        attempt=F("attempt") + 1,
        status=FeedRun.Status.RUNNING,
        finished_at=None,
        interrupted=False,
        error="",
        note="\n".join(filter(None, [run.note, history])),
    )
    run.refresh_from_db()
    kept = RejectedRow.objects.filter(run=run).count()
    return _Attempt(run, run.attempt, run.batch_rows, run.read, kept)


def _already_ingested(earlier: FeedRun, sources: str, actor: User | None) -> _Attempt:
    """Record a run of content ingested before: every row a duplicate, nothing stored."""
    run = FeedRun.objects.create(
        feed=earlier.feed,
        format=earlier.format,
        content_digest=earlier.content_digest,
        options_digest=earlier.options_digest,
        source_name=sources,
        batch_rows=earlier.batch_rows,
        status=FeedRun.Status.SUCCEEDED,
        finished_at=timezone.now(),
        read=earlier.read,
        duplicates=earlier.read,
        last_row=earlier.last_row,
        note=f"Content already ingested by run {earlier.pk}: every row is a duplicate.",
    )
    record_change(actor, "feed_run.ingest", run, after=snapshot(run))
    return _Attempt(run, run.attempt, run.batch_rows, done=True)


def _store_all(
    attempt: _Attempt,
    reader: SourceReader,
    attribute: Attributor,
    window: dt.timedelta,
    progress: Callable[[int], None] | None,
) -> None:
    """Store every batch after the checkpoint; raise as ``_check_resumable``."""
    context = StoreContext(attempt.run.feed, reader.locate)
    read = 0
    # Closed explicitly so that a crash closes the parsers' files now, not at some collection.
    with closing(reader.batches(attribute, window, attempt.batch_rows)) as batches:
        for batch in batches:
            read += batch.read
            _check_resumable(attempt, read - batch.read, read)
            if read > attempt.stored_rows:
                _store_batch(attempt, batch, context)
            if progress is not None:
                progress(read)
    _check_resumable(attempt, read, read)


def _check_resumable(attempt: _Attempt, start: int, end: int) -> None:
    """Raise ``CleanNetError`` unless the checkpoint is where a batch of this input ends.

    ``start``/``end`` are the rows read before and after a batch (equal at the end of the
    input). A checkpoint inside a batch or past the end means the content parses otherwise
    than for the attempt that stored it.
    """
    if start < attempt.stored_rows < end or (start == end < attempt.stored_rows):
        raise CleanNetError(
            f"run {attempt.run.pk} cannot continue: its checkpoint (after "
            f"{attempt.stored_rows:,} rows) is not where a batch of this input ends"
        )


def _store_batch(attempt: _Attempt, batch: Batch, context: StoreContext) -> None:
    """Store one batch, its rejects and the run's advance, in one transaction."""
    room = max(0, MAX_REJECTED_ROWS - attempt.kept_rejects)
    with transaction.atomic():
        stored = store_aggregates(batch.aggregates, context)
        kept = store_rejects(attempt.run, batch.rejected[:room], context)
        advanced = FeedRun.objects.filter(
            pk=attempt.run.pk, attempt=attempt.number, status=FeedRun.Status.RUNNING
        ).update(
            read=F("read") + batch.read,
            accepted=F("accepted") + (batch.accepted - stored.repeated),
            rejected=F("rejected") + batch.rejected_count,
            duplicates=F("duplicates") + (batch.duplicates + stored.repeated),
            last_row=context.locate(batch.last_row)[1],
            events_created=F("events_created") + stored.created,
            events_merged=F("events_merged") + stored.merged,
        )
        if not advanced:
            raise RunTakenOver(attempt.run)
    attempt.kept_rejects += kept


def _status(source_errors: bool, accepted: int, rejected: int) -> str:
    if source_errors and accepted == 0:
        return FeedRun.Status.FAILED
    if source_errors or rejected:
        return FeedRun.Status.PARTIAL
    return FeedRun.Status.SUCCEEDED


@transaction.atomic
def _finish(attempt: _Attempt, reader: SourceReader, actor: User | None) -> FeedRun:
    """Close the run with its status, errors and unknown columns; audit it once."""
    run = FeedRun.objects.select_for_update().get(pk=attempt.run.pk)
    if run.attempt != attempt.number or run.status != FeedRun.Status.RUNNING:
        raise RunTakenOver(run)
    errors = list(reader.errors)
    if run.rejected > attempt.kept_rejects:
        errors.append(
            f"Kept the first {attempt.kept_rejects:,} rejected rows for review; "
            f"{run.rejected - attempt.kept_rejects:,} more were counted, not kept."
        )
    run.error = "\n".join(errors)
    run.unknown_columns = reader.unknown_columns
    run.status = _status(bool(reader.errors), run.accepted, run.rejected)
    run.finished_at = timezone.now()
    run.save()
    record_change(actor, "feed_run.ingest", run, after=snapshot(run))
    return run


def _interrupt(attempt: _Attempt, error: BaseException, actor: User | None) -> None:
    """End the attempt as interrupted if it is still this one's; never hides ``error``."""
    try:
        with transaction.atomic():
            closed = FeedRun.objects.filter(
                pk=attempt.run.pk, attempt=attempt.number, status=FeedRun.Status.RUNNING
            ).update(
                status=FeedRun.Status.FAILED,
                interrupted=True,
                finished_at=timezone.now(),
                error=f"Interrupted: {error!r}. Ingest the same content again to continue.",
            )
            if closed:
                attempt.run.refresh_from_db()
                record_change(actor, "feed_run.interrupt", attempt.run, after=snapshot(attempt.run))
    except Exception:
        # The database may be what failed: the run stays "running" and the next ingestion
        # of the same content continues it from the checkpoint all the same.
        logger.exception("could not mark feed run %s interrupted", attempt.run.pk)
