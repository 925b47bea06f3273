"""The worker's notices tasks: deliver the outbox every minute, erase old personal data daily;
owner reports every minute (``owner_report_tasks``), warnings every ten (``warning_tasks``).

Each minute's delivery stops after ``DELIVERY_SECONDS`` so that ticks do not pile up; ticks
that overlap (a busy queue, several workers) are safe, as every batch is claimed atomically.
"""

from __future__ import annotations

import logging

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

# huey finds tasks in each app's tasks.py: these modules declare the others.
from cleannet.server.notices import owner_report_tasks, warning_tasks  # noqa: F401
from cleannet.server.notices.outbox_status import erase_old
from cleannet.server.notices.worker import deliver_pending

logger = logging.getLogger(__name__)

DELIVERY_SECONDS = 50
"""How long one minute's delivery may run (the next tick starts a new one)."""


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def deliver_notices() -> None:
    """Every minute: deliver what is due, for at most ``DELIVERY_SECONDS``."""
    summary = deliver_pending(until_empty=True, max_seconds=DELIVERY_SECONDS)
    if summary.settled or summary.lost:
        logger.info(
            "notices: %s sent, %s failed, %s to retry, %s taken over, in %.1f s",
            summary.sent, summary.failed, summary.retried, summary.lost, summary.seconds,
        )  # fmt: skip


@db_periodic_task(crontab(hour="3", minute="41"))  # type: ignore[untyped-decorator]
def erase_old_notices() -> None:
    """Daily: erase recipients and bodies of messages that ended ``keep_days`` ago."""
    erased = erase_old()
    if erased:
        logger.info("notices: personal data erased from %s old messages", erased)
