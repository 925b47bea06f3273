"""Periodic housekeeping of the leak check, run by the Huey worker."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.leaks.ratelimits import purge_old_counters


@db_periodic_task(crontab(minute="17"))  # type: ignore[untyped-decorator]
def purge_rate_counters() -> None:
    """Every hour: drop look-up counters of windows long over."""
    purge_old_counters()
