"""Fixed-window rate limits kept in the database, so every web process shares them.

A limited value (a client address, a checked address's hash, a user id) is stored only as
an HMAC under the site's secret key: the counters table never holds the value, and its
digests cannot be matched against a list of addresses without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cleannet.server.leaks.models import RateCounter

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)
# Counters older than this are of no use to any window and are purged.
KEEP_COUNTERS = dt.timedelta(days=2)


@dataclass(frozen=True)
class Limit:
    """At most ``hits`` per ``window`` for one ``scope`` (``"check-ip"``, ``"range-user"`` …)."""

    scope: str
    hits: int
    window: dt.timedelta


def limit_key(scope: str, value: str | bytes) -> str:
    """Return the keyed digest (hex) that stands for ``value`` in ``scope``."""
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, scope.encode() + b"\0" + data, hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def take(limit: Limit, value: str | bytes, now: dt.datetime | None = None) -> bool:
    """Count one use of ``value`` under ``limit``; return False (and count nothing) when the
    window's allowance is already used up."""
    key = limit_key(limit.scope, value)
    start = _window_start(now or timezone.now(), limit.window)
    with transaction.atomic():
        counter, _created = RateCounter.objects.select_for_update().get_or_create(
            key=key, window_start=start
        )
        if counter.hits >= limit.hits:
            return False
        RateCounter.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
    return True


def take_all(limits: list[tuple[Limit, str | bytes]], now: dt.datetime | None = None) -> bool:
    """Count one use under each limit in order; stop at (and return False for) the first one
    used up, so a refused request does not eat the allowance of the limits after it."""
    return all(take(limit, value, now) for limit, value in limits)


def purge_old_counters(now: dt.datetime | None = None) -> int:
    """Delete counters of windows that ended long ago; return how many were deleted."""
    cutoff = (now or timezone.now()) - KEEP_COUNTERS
    deleted, _ = RateCounter.objects.filter(window_start__lt=cutoff).delete()
    return deleted
