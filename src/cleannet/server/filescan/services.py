"""The door of the file scan: submitting a file, looking up a hash, purging samples.

Views, the API, tasks and tests call these. A submitted file is answered from the verdict
cache when the same content was already scanned under the current signature version;
otherwise it is scanned in a limited worker process (``sandbox``). Retention: clean and
unscanned files are deleted as soon as the verdict is stored; malicious ones are kept
``keep_days`` for analysts, then purged. Verdicts are audited without any uploader: the
uploader's identity and address are never stored with a sample.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.hashes import guess_hash_kind
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.filescan import hub_bundle, ratelimits, storage
from cleannet.server.filescan.models import FileVerdict, Verdict
from cleannet.server.filescan.options import FileScanOptions, current_options
from cleannet.server.filescan.sandbox import (
    SandboxError,
    SandboxLimits,
    ScanOutcome,
    scan_in_sandbox,
)
from cleannet.server.filescan.signatures import (
    ScannerUnavailable,
    SignatureSource,
    signature_source,
)
from cleannet.server.filescan.slots import ScannerBusy, scan_slot
from cleannet.server.filescan.storage import Intake, SampleTooLarge, sink_stream

__all__ = [
    "FileScanOptions",
    "Intake",
    "SampleTooLarge",
    "SandboxError",
    "ScannerBusy",
    "ScannerUnavailable",
    "Submission",
    "allow_lookup",
    "allow_upload",
    "current_options",
    "current_signature_version",
    "current_signatures",
    "find_verdict",
    "purge_expired_samples",
    "sink_stream",
    "submit_sample",
]

_STALE_INCOMING_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Submission:
    """A verdict for a submitted file; ``cached`` when no scan was needed."""

    verdict: FileVerdict
    cached: bool


def allow_upload(client: str, opts: FileScanOptions | None = None) -> bool:
    """Count one upload by ``client`` (an address or ``user:<id>``); False past the limit."""
    return ratelimits.take("upload", client, (opts or current_options()).uploads_per_hour)


def allow_lookup(client: str, opts: FileScanOptions | None = None) -> bool:
    """Count one hash look-up by ``client``; False past the limit."""
    return ratelimits.take("lookup", client, (opts or current_options()).lookups_per_hour)


def current_signatures(opts: FileScanOptions | None = None) -> SignatureSource:
    """Return the signatures to scan with: the configured directory if there is one, else
    the hub's newest published bundle. Raises ``ScannerUnavailable`` when there are none."""
    opts = opts or current_options()
    if opts.signatures is not None:
        return signature_source(opts.signatures)
    return hub_bundle.hub_signatures(opts.directory)


def current_signature_version(opts: FileScanOptions | None = None) -> str | None:
    """Return the version of the signatures in use, or None when there are none."""
    try:
        return current_signatures(opts).version
    except ScannerUnavailable:
        return None


def _limits(opts: FileScanOptions) -> SandboxLimits:
    return SandboxLimits(opts.cpu_seconds, opts.memory_mb, opts.wall_seconds)


def _verdict_of(outcome: ScanOutcome) -> Verdict:
    if outcome.detections:
        return Verdict.MALICIOUS
    return Verdict.UNSCANNED if outcome.unscanned else Verdict.CLEAN


def _answer_from_cache(intake: Intake, version: str) -> FileVerdict | None:
    """Return the final verdict for this content and version (counting one more sighting);
    an unscanned verdict is no final answer, so that content is scanned again."""
    known = (
        FileVerdict.objects.filter(sha256=intake.sha256, bundle_version=version)
        .exclude(verdict=Verdict.UNSCANNED)
        .first()
    )
    if known is not None:
        now = timezone.now()
        FileVerdict.objects.filter(pk=known.pk).update(
            seen_count=F("seen_count") + 1, last_seen_at=now
        )
        known.refresh_from_db()
    return known


def _fields(intake: Intake, outcome: ScanOutcome, keep_days: int) -> dict[str, Any]:
    now = timezone.now()
    verdict = _verdict_of(outcome)
    return {
        "sha1": intake.sha1,
        "md5": intake.md5,
        "size": intake.size,
        "verdict": verdict,
        "detections": outcome.detections,
        "unscanned": outcome.unscanned,
        "scanned_at": now,
        "scan_seconds": round(outcome.seconds, 3),
        "last_seen_at": now,
        "sample_kept_until": (
            now + dt.timedelta(days=keep_days) if verdict == Verdict.MALICIOUS else None
        ),
    }


def _record(intake: Intake, version: str, outcome: ScanOutcome, keep_days: int) -> FileVerdict:
    fields = _fields(intake, outcome, keep_days)
    with transaction.atomic():
        row, created = FileVerdict.objects.select_for_update().get_or_create(
            sha256=intake.sha256, bundle_version=version, defaults=fields
        )
        if created:
            record_change(None, "filescan.scan", row, None, snapshot(row))
            return row
        before = snapshot(row)
        row.seen_count += 1
        row.last_seen_at = fields["last_seen_at"]
        # A final verdict stored meanwhile by a concurrent scan of the same content wins
        # over this one if this one is not final (it may have lost the sample to it).
        if row.verdict == Verdict.UNSCANNED or fields["verdict"] != Verdict.UNSCANNED:
            for name, value in fields.items():
                setattr(row, name, value)
        row.save()
        record_change(None, "filescan.scan", row, before, snapshot(row))
    return row


def _settle_sample(opts: FileScanOptions, verdict: FileVerdict) -> None:
    """Keep a malicious sample; delete any other at once (and end older retentions)."""
    if verdict.verdict == Verdict.MALICIOUS:
        return
    storage.delete_sample(opts.directory, verdict.sha256)
    FileVerdict.objects.filter(sha256=verdict.sha256, sample_kept_until__isnull=False).update(
        sample_kept_until=None
    )


def _drop_unless_kept(opts: FileScanOptions, sha256: str) -> None:
    kept = FileVerdict.objects.filter(sha256=sha256, sample_kept_until__gt=timezone.now())
    if not kept.exists():
        storage.delete_sample(opts.directory, sha256)


def submit_sample(intake: Intake, opts: FileScanOptions | None = None) -> Submission:
    """Return the verdict for an uploaded file, scanning it if needed; the upload is
    consumed (moved or deleted) whatever happens.

    Raises ``ScannerUnavailable`` (no signatures), ``ScannerBusy`` (every scan slot stayed
    taken) or ``SandboxError`` (no worker could be started); nothing is kept then.
    """
    opts = opts or current_options()
    try:
        source = current_signatures(opts)
    except ScannerUnavailable:
        intake.discard()
        raise
    known = _answer_from_cache(intake, source.version)
    if known is not None:
        intake.discard()
        return Submission(known, cached=True)
    path = storage.keep_sample(opts.directory, intake)
    try:
        with scan_slot(opts.directory, opts.concurrent_scans, opts.wall_seconds):
            cache = storage.private_dir(opts.directory / "rules-cache")
            outcome = scan_in_sandbox(path, source, _limits(opts), cache)
    except (ScannerBusy, SandboxError):
        _drop_unless_kept(opts, intake.sha256)
        raise
    verdict = _record(intake, source.version, outcome, opts.keep_days)
    _settle_sample(opts, verdict)
    return Submission(verdict, cached=False)


def find_verdict(text: str) -> FileVerdict | None:
    """Return the newest verdict for an MD5, SHA-1 or SHA-256 (any case), or None.

    Raises ``InvalidValue`` (field ``hash``) for anything else.
    """
    kind = guess_hash_kind(text)
    if kind is None:
        reason = "expected an MD5, SHA-1 or SHA-256: 32, 40 or 64 hexadecimal digits"
        raise InvalidValue("hash", text, reason)
    return FileVerdict.objects.filter(**{kind: text.strip().lower()}).first()


def purge_expired_samples(
    now: dt.datetime | None = None, opts: FileScanOptions | None = None
) -> int:
    """Delete samples whose retention ended, stale incoming files and old rate counters;
    return how many samples were deleted."""
    now, opts = now or timezone.now(), opts or current_options()
    purged = 0
    for verdict in FileVerdict.objects.filter(sample_kept_until__lte=now).order_by("id"):
        with transaction.atomic():
            before = snapshot(verdict)
            verdict.sample_kept_until = None
            verdict.save(update_fields=["sample_kept_until"])
            record_change(None, "filescan.sample_purged", verdict, before, snapshot(verdict))
        later = FileVerdict.objects.filter(sha256=verdict.sha256, sample_kept_until__gt=now)
        if not later.exists() and storage.delete_sample(opts.directory, verdict.sha256):
            purged += 1
    storage.purge_stale_incoming(opts.directory, _STALE_INCOMING_SECONDS)
    hub_bundle.purge_old_copies(opts.directory, keep=current_signature_version(opts))
    ratelimits.purge_old_counters(now)
    return purged
