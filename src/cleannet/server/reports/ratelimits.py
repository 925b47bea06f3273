"""Limits on filing reports (per client address, per e-mail address) and the honeypot
counter, on the shared fixed-window mechanism of ``ops.ratelimits`` with the
``ReportRateCounter`` table."""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from cleannet.server.ops import ratelimits
from cleannet.server.ops.ratelimits import KEEP_COUNTERS, limit_key
from cleannet.server.reports.models import ReportRateCounter

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
_HONEYPOT = "honeypot"


def take(
    scope: str, value: str, hits: int, window: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """Count one use of ``value`` in ``scope``; False (nothing counted) past ``hits`` per
    ``window``."""
    return ratelimits.take(ReportRateCounter, limit_key(scope, value), hits, window, now)


def count_honeypot(now: dt.datetime | None = None) -> None:
    """Count one submission that filled the hidden field (a robot), per UTC day."""
    take(_HONEYPOT, _HONEYPOT, 2**31 - 1, DAY, now)


def honeypot_hits(day: dt.date) -> int:
    """Return how many robot submissions were counted on ``day`` (UTC)."""
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    rows = ReportRateCounter.objects.filter(key=limit_key(_HONEYPOT, _HONEYPOT), window_start=start)
    return int(rows.aggregate(total=Sum("hits"))["total"] or 0)


def purge_old_counters(now: dt.datetime | None = None) -> int:
    """Delete counters of windows that ended long ago (the honeypot's are kept 60 days)."""
    now = now or timezone.now()
    honeypot = limit_key(_HONEYPOT, _HONEYPOT)
    old = ReportRateCounter.objects.filter(window_start__lt=now - KEEP_COUNTERS)
    deleted, _ = old.exclude(key=honeypot).delete()
    stale, _ = old.filter(key=honeypot, window_start__lt=now - 30 * DAY * 2).delete()
    return deleted + stale
