"""The worker's owner-report task: every minute, run the report rules that are due.

Each rule runs in its own transaction and locks its row, so a tick that overlaps the
previous one (or a ``cleannet notices reports`` run) reports no event twice.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.notices.owner_reports import run_report_rules

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def run_owner_reports() -> int:
    """Every minute: make the due owner reports (their e-mails go out with the outbox)."""
    reports = run_report_rules()
    if reports:
        logger.info("owner reports made: %s", ", ".join(report.number for report in reports))
    return len(reports)
