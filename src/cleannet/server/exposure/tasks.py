"""The worker's exposure task: every 15 minutes, scan the scopes whose schedule is due.

A scope is due when its crontab schedule (read in UTC, as huey reads it) matches a minute
since the previous tick (at most ``CATCH_UP_MINUTES`` back). Each due scope is queued as its
own task; a scope whose scan from an earlier tick still holds its lock is skipped, and
``run_scan`` takes the same lock, so a scope never runs twice at once.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task

from cleannet.engines.feeds.schedule import cron_fields
from cleannet.server.accounts.models import User
from cleannet.server.exposure.models import ScanScope
from cleannet.server.exposure.scans import run_scan, scan_lock_name

__all__ = ["CATCH_UP_MINUTES", "due_scopes", "run_due_scans", "run_scope_task"]

logger = logging.getLogger(__name__)

TICK_MINUTES = 15
CATCH_UP_MINUTES = 60
"""A tick looks back at most this far: a worker down for a day does not replay the day."""
LAST_TICK_KEY = "exposure-last-tick"


def _minutes(since: dt.datetime | None, until: dt.datetime) -> list[dt.datetime]:
    """The whole minutes after ``since`` up to ``until`` (naive UTC, as huey reads them)."""
    last = until.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    if since is None:
        return [last - dt.timedelta(minutes=n) for n in range(TICK_MINUTES)]
    first = since.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    count = min(int((last - first).total_seconds() // 60), CATCH_UP_MINUTES)
    return [last - dt.timedelta(minutes=n) for n in range(count)]


def due_scopes(at: dt.datetime, since: dt.datetime | None = None) -> list[ScanScope]:
    """The enabled, scheduled scopes whose schedule matches a minute after ``since`` up to
    ``at`` (without ``since``: the ``TICK_MINUTES`` minutes up to ``at``)."""
    minutes = _minutes(since, at)
    due = []
    for scope in ScanScope.objects.filter(enabled=True).exclude(schedule=""):
        try:
            matches = crontab(**cron_fields(scope.schedule), strict=True)
        except ValueError as error:  # stored before validation existed, or edited by hand
            logger.error("exposure scope %s: bad schedule: %s", scope.name, error)
            continue
        if any(matches(minute) for minute in minutes):
            due.append(scope)
    return due


def _previous_tick(now: dt.datetime) -> dt.datetime | None:
    previous = HUEY.get(LAST_TICK_KEY, peek=True)
    HUEY.put(LAST_TICK_KEY, now)
    return previous if isinstance(previous, dt.datetime) else None


@db_periodic_task(crontab(minute=f"*/{TICK_MINUTES}"))  # type: ignore[untyped-decorator]
def run_due_scans() -> None:
    """Queue one scan task per due scope that is not being scanned already."""
    now = timezone.now()
    for scope in due_scopes(now, since=_previous_tick(now)):
        if HUEY.lock_task(scan_lock_name(scope)).is_locked():
            logger.info("exposure scope %s is still being scanned; not started again", scope.name)
            continue
        run_scope_task(scope.pk)


@db_task()  # type: ignore[untyped-decorator]
def run_scope_task(scope_id: int, started_by_id: int | None = None) -> None:
    """Scan one scope, as the person who started it (``started_by_id``) or as the schedule;
    log the outcome."""
    scope = ScanScope.objects.filter(pk=scope_id, enabled=True).first()
    if scope is None:
        return
    actor = None if started_by_id is None else User.objects.filter(pk=started_by_id).first()
    run = run_scan(actor, scope)
    logger.info(
        "exposure scope %s: %s, %s open ports, %s findings (%s new, %s fixed)%s",
        scope.name,
        run.status,
        run.open_ports,
        run.findings,
        run.new_findings,
        run.fixed_findings,
        f" ({run.error})" if run.error else "",
    )
