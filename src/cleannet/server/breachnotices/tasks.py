"""The worker's breach-notice task: every ten minutes, send the deadline reminders that are due.

Ten minutes is fine-grained enough for thresholds counted in hours; ``reminders`` makes
each reminder go out once even when two workers run the task.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.breachnotices.reminders import send_due_reminders

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def send_breach_reminders() -> None:
    """Remind the contacts of unfiled drafts; alert the analysts about late notices."""
    report = send_due_reminders()
    if report.contact_reminders or report.analyst_alerts or report.failed:
        logger.info(
            "breach notices: %s reminders, %s late alerts, %s not sent",
            report.contact_reminders,
            report.analyst_alerts,
            report.failed,
        )
