"""Fixed-window limits on uploads and look-ups, kept in the database so every web process
shares them. The limited value (a client address, a user id) is stored only as an HMAC
under the site's secret key."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cleannet.server.filescan.models import ScanRateCounter

HOUR = dt.timedelta(hours=1)
KEEP_COUNTERS = dt.timedelta(days=2)


def _key(scope: str, value: str) -> str:
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, f"{scope}\0{value}".encode(), hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def take(scope: str, value: str, hits: int, now: dt.datetime | None = None) -> bool:
    """Count one use of ``value`` in ``scope`` this hour; return False (counting nothing)
    when ``hits`` uses were already counted."""
    key, start = _key(scope, value), _window_start(now or timezone.now(), HOUR)
    with transaction.atomic():
        counter, _ = ScanRateCounter.objects.select_for_update().get_or_create(
            key=key, window_start=start
        )
        if counter.hits >= hits:
            return False
        ScanRateCounter.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
    return True


def purge_old_counters(now: dt.datetime | None = None) -> int:
    """Delete counters of windows long over; return how many were deleted."""
    cutoff = (now or timezone.now()) - KEEP_COUNTERS
    deleted, _ = ScanRateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
