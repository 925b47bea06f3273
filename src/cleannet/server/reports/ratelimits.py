"""Fixed-window limits on filing reports, and the honeypot counter, kept in the database.

A limited value (a client address, an e-mail address) is stored only as an HMAC under the
site's secret key, so the counters never hold the value itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from cleannet.server.reports.models import ReportRateCounter

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
KEEP_COUNTERS = dt.timedelta(days=2)
_HONEYPOT = "honeypot"


def limit_key(scope: str, value: str) -> str:
    """Return the keyed digest (hex) that stands for ``value`` in ``scope``."""
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, scope.encode() + b"\0" + value.encode(), hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def take(
    scope: str, value: str, hits: int, window: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """Count one use of ``value`` in ``scope``; False (nothing counted) past ``hits`` per
    ``window``."""
    key = limit_key(scope, value)
    start = _window_start(now or timezone.now(), window)
    with transaction.atomic():
        counter, _ = ReportRateCounter.objects.select_for_update().get_or_create(
            key=key, window_start=start
        )
        if counter.hits >= hits:
            return False
        ReportRateCounter.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
    return True


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
