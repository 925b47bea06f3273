"""The worker's feed tasks: every minute, start the registry's feeds that are due.

``run_due_feeds`` reads the registry (``CLEANNET_FEED_REGISTRY``), brings the ``Feed``
rows in line with it, and queues one ``run_feed_task`` per enabled feed whose schedule
fell due since the previous tick (UTC), so that a slow feed holds up no other. A feed still running
from an earlier tick is skipped (``FeedBusy``): ``run_feed`` holds a lock per feed in the
task queue's store. A worker killed mid-run would leave that lock behind, so each worker
process releases the feed locks once when it starts; run the periodic worker on one
machine only (``cleannet worker --no-periodic`` elsewhere), as for every periodic task.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, on_startup

from cleannet.engines.feeds.registry import Registry, RegistryError
from cleannet.server.intel.feed_runner import FeedBusy, current_registry, feed_lock_name, run_feed
from cleannet.server.intel.feed_sync import sync_feeds

logger = logging.getLogger(__name__)

CATCH_UP_MINUTES = 60
"""A tick looks back at most this far: a worker down for a day does not replay the day."""
LAST_TICK_KEY = "feeds-last-tick"
"""Where the tick keeps its last run time, in the task queue's store."""
_startup_guard = threading.Lock()
_locks_released: list[str] | None = None


def _minutes(since: dt.datetime | None, until: dt.datetime) -> list[dt.datetime]:
    """Return the whole minutes after ``since`` up to ``until`` (naive UTC, as huey reads)."""
    last = until.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    if since is None:
        return [last]
    first = since.astimezone(dt.UTC).replace(tzinfo=None, second=0, microsecond=0)
    count = min(int((last - first).total_seconds() // 60), CATCH_UP_MINUTES)
    return [last - dt.timedelta(minutes=n) for n in range(count)]


def due_feeds(registry: Registry, at: dt.datetime, since: dt.datetime | None = None) -> list[str]:
    """Return the enabled feeds whose schedule matches a minute after ``since`` up to ``at``.

    Without ``since``, only the minute of ``at``; at most ``CATCH_UP_MINUTES`` minutes are
    looked at. Times are aware; schedules are read in UTC. Manual feeds are never due.
    """
    minutes = _minutes(since, at)
    due = []
    for entry in registry:
        fields = entry.crontab_fields()
        if not entry.enabled or fields is None:
            continue
        matches = crontab(**fields, strict=True)
        if any(matches(minute) for minute in minutes):
            due.append(entry.name)
    return due


def _previous_tick(now: dt.datetime) -> dt.datetime | None:
    """Return when the last tick ran (None for the first), and record this one."""
    previous = HUEY.get(LAST_TICK_KEY, peek=True)
    HUEY.put(LAST_TICK_KEY, now)
    return previous if isinstance(previous, dt.datetime) else None


@db_periodic_task(crontab(minute="*"))  # type: ignore[untyped-decorator]
def run_due_feeds() -> None:
    """Every minute: sync the registry to the feed rows, then queue the feeds that are due.

    Due means scheduled in a minute since the previous tick, so a tick that waited in a
    busy queue neither skips a feed nor starts one twice.
    """
    registry = current_registry()
    refused = sync_feeds(registry).refused
    now = timezone.now()
    for name in due_feeds(registry, now, since=_previous_tick(now)):
        if name not in refused:
            run_feed_task(name)


@db_task()  # type: ignore[untyped-decorator]
def run_feed_task(name: str) -> None:
    """Run feed ``name`` once, unless a run of it is still going; log the outcome."""
    try:
        run = run_feed(name)
    except FeedBusy:
        logger.info("feed %s is still running from an earlier start; not started again", name)
        return
    except RegistryError as exc:  # the registry changed between the tick and this task
        logger.error("feed %s not run: %s", name, exc)
        return
    logger.info(
        "feed %s: %s, %s read, %s accepted, %s rejected, %s duplicates%s",
        name,
        run.status,
        run.read,
        run.accepted,
        run.rejected,
        run.duplicates,
        f" ({run.error})" if run.error else "",
    )


@on_startup()  # type: ignore[untyped-decorator]
def release_feed_locks_left_by_a_dead_worker() -> None:
    """Once per worker process, before it runs tasks: drop feed locks no run holds."""
    global _locks_released
    # Every worker thread calls startup hooks; the first releases, the others wait for it.
    with _startup_guard:
        if _locks_released is not None:
            return
        names = [feed_lock_name(name) for name in current_registry().names()]
        _locks_released = sorted(HUEY.flush_locks(*names))
    if _locks_released:
        logger.warning("released feed locks left by a stopped worker: %s", _locks_released)
