"""Scan a report's attachment with the online file scan and store the verdict on it."""

from __future__ import annotations

import logging
from pathlib import Path

from django.db import transaction

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.filescan import services as filescan
from cleannet.server.reports.attachments import read_chunks
from cleannet.server.reports.models import AttachmentVerdict, ReportAttachment

logger = logging.getLogger(__name__)


def _scan(path: Path) -> tuple[str, list[str]]:
    """Return (verdict, detection names); raises ``ScannerBusy`` so the task retries."""
    opts = filescan.current_options()
    try:
        intake = filescan.sink_stream(opts.directory, opts.max_bytes, read_chunks(path))
    except filescan.SampleTooLarge:
        return AttachmentVerdict.UNSCANNED, []
    try:
        verdict = filescan.submit_sample(intake, opts).verdict
    except (filescan.ScannerUnavailable, filescan.SandboxError) as error:
        logger.warning("reports: attachment not scanned: %s", type(error).__name__)
        return AttachmentVerdict.UNSCANNED, []
    return str(verdict.verdict), verdict.detection_names()


def scan_attachment(attachment_id: int) -> ReportAttachment | None:
    """Scan one attachment still pending and store its verdict (audited); None if it is
    gone. Raises ``filescan.ScannerBusy`` when every scan slot stayed taken."""
    attachment = ReportAttachment.objects.filter(pk=attachment_id).first()
    if attachment is None or attachment.verdict != AttachmentVerdict.PENDING:
        return attachment
    path = Path(attachment.stored_path)
    if path.exists():
        verdict, detections = _scan(path)
    else:
        verdict, detections = AttachmentVerdict.UNSCANNED, []
    with transaction.atomic():
        before = snapshot(attachment)
        attachment.verdict, attachment.detections = verdict, detections
        attachment.save(update_fields=["verdict", "detections"])
        record_change(None, "reports.attachment_scanned", attachment, before, snapshot(attachment))
    return attachment
