"""Background work of the report channel, run by the Huey worker."""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cleannet.server.reports import ratelimits, retention
from cleannet.server.reports.scanning import scan_attachment
from cleannet.server.reports.triage_tasks import (  # noqa: F401 (huey finds tasks by import)
    email_overdue_reports,
    retry_report_replies,
)

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def scan_attachment_task(attachment_id: int) -> None:
    """Scan one attachment; retried while the scanner is busy."""
    scan_attachment(attachment_id)


@db_periodic_task(crontab(minute="41", hour="*/6"))  # type: ignore[untyped-decorator]
def purge_report_counters() -> None:
    """Delete rate counters of windows that ended long ago."""
    ratelimits.purge_old_counters()


@db_periodic_task(crontab(hour="19", minute="23"))  # type: ignore[untyped-decorator]
def delete_old_attachment_files() -> None:
    """Daily (02:23 in Hanoi, a quiet hour): delete the files of reports closed longer ago
    than ``CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS``; their rows keep hash and verdict."""
    deleted = retention.delete_expired_attachments()
    if deleted:
        logger.info("reports: deleted the files of %s attachments of closed reports", deleted)
