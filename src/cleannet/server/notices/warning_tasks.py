"""The worker's warning task: every ten minutes, plan subscribers' warnings from the findings.

At a hub there are no findings and the run finds nothing to do. Each subscriber is planned in
its own transaction with its tickets locked, so an overlapping ``cleannet notices plan`` queues
nothing twice (and the outbox's keys would refuse a double anyway).
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.notices.warnings import plan_warnings

logger = logging.getLogger(__name__)


@db_periodic_task(crontab(minute="*/10"))  # type: ignore[untyped-decorator]
def plan_subscriber_warnings() -> int:
    """Every ten minutes: open, escalate and close tickets; queue the notices due."""
    summary = plan_warnings()
    if summary.queued or summary.closed:
        logger.info(
            "warnings: %s opened, %s escalated, %s re-infected, %s closed, %s messages queued",
            summary.opened, summary.escalated, summary.reinfected, summary.closed, summary.queued,
        )  # fmt: skip
    return summary.queued
