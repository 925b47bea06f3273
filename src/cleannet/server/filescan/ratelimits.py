"""Hourly limits on uploads and look-ups (per client address, per user), on the shared
fixed-window mechanism of ``ops.ratelimits`` with the ``ScanRateCounter`` table."""

from __future__ import annotations

import datetime as dt

from cleannet.server.filescan.models import ScanRateCounter
from cleannet.server.ops import ratelimits
from cleannet.server.ops.ratelimits import limit_key

HOUR = dt.timedelta(hours=1)


def take(scope: str, value: str, hits: int, now: dt.datetime | None = None) -> bool:
    """Count one use of ``value`` in ``scope`` this hour; return False (counting nothing)
    when ``hits`` uses were already counted."""
    return ratelimits.take(ScanRateCounter, limit_key(scope, value), hits, HOUR, now)


def purge_old_counters(now: dt.datetime | None = None) -> int:
    """Delete counters of windows long over; return how many were deleted."""
    return ratelimits.purge(ScanRateCounter, now)
