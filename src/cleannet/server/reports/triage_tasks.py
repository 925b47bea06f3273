"""The worker's triage tasks: retry replies that were not e-mailed, and the overdue digest.

Huey finds tasks in each app's ``tasks`` module; ``reports/tasks.py`` imports this one.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.reports.triage_mail import retry_unsent_replies, send_overdue_digest

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def retry_report_replies() -> None:
    """Every ten minutes: e-mail the replies whose first sending failed."""
    outcome = retry_unsent_replies()
    if outcome.sent or outcome.failed:
        logger.info("reports: %s replies e-mailed, %s still failing", outcome.sent, outcome.failed)


# 01:00 UTC is 08:00 in Hanoi: the list is there when the analysts start the day.
@db_periodic_task(crontab(hour="1", minute="0"))  # type: ignore[untyped-decorator]
def email_overdue_reports() -> None:
    """Every morning: e-mail the authority's staff the reports past their due time."""
    listed = send_overdue_digest()
    if listed:
        logger.info("reports: overdue digest listed %s reports", listed)
