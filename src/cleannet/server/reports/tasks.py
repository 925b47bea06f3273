"""Background work of the report channel, run by the Huey worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from cleannet.server.reports import ratelimits
from cleannet.server.reports.scanning import scan_attachment
from cleannet.server.reports.triage_tasks import (  # noqa: F401 (huey finds tasks by import)
    email_overdue_reports,
    retry_report_replies,
)


@db_task(retries=3, retry_delay=60)  # type: ignore[untyped-decorator]
def scan_attachment_task(attachment_id: int) -> None:
    """Scan one attachment; retried while the scanner is busy."""
    scan_attachment(attachment_id)


@db_periodic_task(crontab(minute="41", hour="*/6"))  # type: ignore[untyped-decorator]
def purge_report_counters() -> None:
    """Delete rate counters of windows that ended long ago."""
    ratelimits.purge_old_counters()
