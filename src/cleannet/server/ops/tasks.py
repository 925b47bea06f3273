"""Periodic housekeeping run by the Huey worker (``cleannet worker``)."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from cleannet.server.ops.services import record_heartbeat


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def heartbeat() -> None:
    """Every minute: tell ``/healthz`` that the worker is alive."""
    record_heartbeat()
