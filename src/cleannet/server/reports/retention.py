"""Retention of attachments: a closed report's files are deleted from disk after a while.

``delete_expired_attachments`` (the daily task ``tasks.delete_old_attachment_files``) deletes
the file of every attachment whose report was closed more than
``CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS`` days ago (90 by default). The row stays with its
name, size, SHA-256 and verdict, so that the report still says what was sent and what the
scan found; ``file_deleted_at`` notes the deletion and an audit entry records it.

Files are stored once per content, so the same file may also belong to a report that is
still open: it then stays on disk until no attachment that still needs it is left.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.reports.models import ReportAttachment, ReportStatus
from cleannet.server.reports.options import ReportOptions, current_options


def expired_attachments(now: dt.datetime, keep_days: int) -> QuerySet[ReportAttachment]:
    """The attachments whose report was closed more than ``keep_days`` days before ``now``
    and whose file is not deleted yet."""
    cutoff = now - dt.timedelta(days=keep_days)
    return ReportAttachment.objects.filter(
        report__status=ReportStatus.CLOSED,
        report__closed_at__lte=cutoff,
        file_deleted_at__isnull=True,
    ).order_by("id")


def delete_expired_attachments(
    now: dt.datetime | None = None, opts: ReportOptions | None = None
) -> int:
    """Delete the files of the expired attachments (see ``expired_attachments``); mark each
    row and audit it (``reports.attachment_file_deleted``). Return the rows marked."""
    now = now or timezone.now()
    opts = opts or current_options()
    ids = list(expired_attachments(now, opts.keep_attachment_days).values_list("id", flat=True))
    return sum(_delete_file_of(pk, now) for pk in ids)


def _delete_file_of(attachment_id: int, now: dt.datetime) -> bool:
    """Mark one attachment's file deleted, then delete the file unless another row needs
    it; False when another worker got there first."""
    started = time.time()
    with transaction.atomic():
        found = ReportAttachment.objects.select_for_update().filter(
            pk=attachment_id, file_deleted_at__isnull=True
        )
        attachment = found.first()
        if attachment is None:
            return False
        before = snapshot(attachment)
        attachment.file_deleted_at = now
        attachment.save(update_fields=["file_deleted_at"])
        after = snapshot(attachment)
        record_change(None, "reports.attachment_file_deleted", attachment, before, after)
        still_needed = ReportAttachment.objects.filter(
            stored_path=attachment.stored_path, file_deleted_at__isnull=True
        ).exists()
    if not still_needed:
        _unlink_unless_replaced(Path(attachment.stored_path), started)
    return True


def _unlink_unless_replaced(path: Path, since: float) -> None:
    # A new upload of the same content replaces the file (a fresh mtime) before its row is
    # written: such a file belongs to that upload now, so it is left alone.
    try:
        if path.stat().st_mtime < since:
            path.unlink()
    except FileNotFoundError:
        pass
