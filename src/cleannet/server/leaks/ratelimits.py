"""The leak check's rate limits (per client address, per checked address, per user), on the
shared fixed-window mechanism of ``ops.ratelimits`` with the ``RateCounter`` table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleannet.server.leaks.models import RateCounter
from cleannet.server.ops import ratelimits
from cleannet.server.ops.ratelimits import KEEP_COUNTERS, limit_key

HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Limit:
    """At most ``hits`` per ``window`` for one ``scope`` (``"check-ip"``, ``"range-user"`` …)."""

    scope: str
    hits: int
    window: dt.timedelta


def take(limit: Limit, value: str | bytes, now: dt.datetime | None = None) -> bool:
    """Count one use of ``value`` under ``limit``; return False (and count nothing) when the
    window's allowance is already used up."""
    return ratelimits.take(
        RateCounter, limit_key(limit.scope, value), limit.hits, limit.window, now
    )


def take_all(limits: list[tuple[Limit, str | bytes]], now: dt.datetime | None = None) -> bool:
    """Count one use under each limit in order; stop at (and return False for) the first one
    used up, so a refused request does not eat the allowance of the limits after it."""
    return all(take(limit, value, now) for limit, value in limits)


def purge_old_counters(now: dt.datetime | None = None) -> int:
    """Delete counters of windows that ended long ago; return how many were deleted."""
    return ratelimits.purge(RateCounter, now, KEEP_COUNTERS)
