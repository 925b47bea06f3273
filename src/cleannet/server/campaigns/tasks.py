"""The worker's campaign task: daily at 01:30 UTC, finish the campaigns whose last day is over
and measure the active ones through yesterday (UTC)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.campaigns.measure import measure_active_campaigns
from cleannet.server.campaigns.services import finish_due_campaigns

logger = logging.getLogger(__name__)


def run_daily(today: dt.date | None = None) -> dict[str, int]:
    """Finish the campaigns due, then measure; return days measured by campaign slug.

    Finishing comes first so that a campaign's last day is measured by the same run
    (finished campaigns are measured for a few days after their end).
    """
    today = today or timezone.now().astimezone(dt.UTC).date()
    finished = finish_due_campaigns(today=today)
    measured = measure_active_campaigns(today)
    if finished or measured:
        logger.info(
            "campaigns: %s finished, %s measured (%s days)",
            finished, len(measured), sum(measured.values()),
        )  # fmt: skip
    return measured


@db_periodic_task(crontab(hour="1", minute="30"))  # type: ignore[untyped-decorator]
def measure_campaigns() -> None:
    """Daily at 01:30 UTC, when the nodes have sent yesterday's counts: finish and measure."""
    run_daily()
