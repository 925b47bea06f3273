"""Fixed-window rate limits kept in the database, so every web process shares them.

Each app keeps its counters in its own table (a model with ``key``, ``window_start`` and
``hits``, unique per key and window); this module is the one mechanism they share. A limited
value (a client address, an e-mail address, a user id) is stored only as an HMAC under the
site's secret key: a counters table never holds the value, and its digests cannot be matched
against a list of addresses without the key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

# Counters older than this are of no use to any window and are purged.
KEEP_COUNTERS = dt.timedelta(days=2)


def limit_key(scope: str, value: str | bytes) -> str:
    """Return the keyed digest (hex) that stands for ``value`` in ``scope``."""
    data = value if isinstance(value, bytes) else value.encode("utf-8")
    secret = settings.SECRET_KEY.encode("utf-8")
    return hmac.new(secret, scope.encode() + b"\0" + data, hashlib.sha256).hexdigest()


def window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """Return the start of the fixed ``window`` that holds ``now`` (aligned on the epoch)."""
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def take(
    counters: Any,
    key: str,
    hits: int,
    window: dt.timedelta,
    now: dt.datetime | None = None,
) -> bool:
    """Count one use of ``key`` in the ``counters`` model's current ``window``; return False
    (and count nothing) when ``hits`` uses were already counted in it."""
    start = window_start(now or timezone.now(), window)
    with transaction.atomic():
        counter, _created = counters.objects.select_for_update().get_or_create(
            key=key, window_start=start
        )
        if counter.hits >= hits:
            return False
        counters.objects.filter(pk=counter.pk).update(hits=F("hits") + 1)
    return True


def purge(counters: Any, now: dt.datetime | None = None, keep: dt.timedelta = KEEP_COUNTERS) -> int:
    """Delete the ``counters`` of windows that started before ``keep`` ago; return how many."""
    cutoff = (now or timezone.now()) - keep
    deleted, _ = counters.objects.filter(window_start__lt=cutoff).delete()
    return int(deleted)
