"""The in-memory prefix index of the ``Prefix`` table, for attribution at ingestion speed.

``load_prefix_index()`` returns a ``PrefixIndex`` (see ``cleannet.engines.feeds.attribution``)
whose hits carry the AS number and the organisation's short name (``slug``). It answers as
``services.owner_of`` does, a thousand times faster, and is rebuilt only when the networks
changed. The change key is read from the database, so a change made by another process (the
back office, an import) is seen by the next call:

- the number of prefixes and the highest prefix id (a holding added or deleted), and
- the newest audit entry about a prefix, an AS or an organisation (an edit: every change
  through the services and the back office writes one). Its time is part of the key because
  SQLite may hand out an id again after a rollback.

A write that bypasses the services and the audit log (forbidden anyway) may go unseen until
``forget_prefix_indexes()`` or a restart.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from django.db.models import Count, Max, Q

from cleannet.engines.feeds.attribution import PrefixEntry, PrefixIndex
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks.models import Prefix

__all__ = ["build_prefix_index", "forget_prefix_indexes", "load_prefix_index", "prefix_index_key"]

WATCHED_OBJECT_TYPES = ("networks.prefix", "networks.autonomoussystem", "accounts.organisation")
"""Audit object types whose change may change an answer of the index."""

_KEPT_INDEXES = 4  # one per distinct ``at_least_day`` asked for; a daily job asks for one or two

IndexKey = tuple[int, int | None, tuple[int, dt.datetime] | None]

_cache: OrderedDict[dt.date | None, tuple[IndexKey, PrefixIndex]] = OrderedDict()
_lock = threading.Lock()


def prefix_index_key() -> IndexKey:
    """Return what must stay equal for a built index to stay true (two small queries)."""
    stats = Prefix.objects.aggregate(count=Count("id"), last=Max("id"))
    change = (
        AuditEntry.objects.filter(object_type__in=WATCHED_OBJECT_TYPES)
        .order_by("-id")
        .values_list("id", "at")
        .first()
    )
    return stats["count"], stats["last"], change


def build_prefix_index(at_least_day: dt.date | None = None) -> PrefixIndex:
    """Return a new index of every holding, or of those still held on or after ``at_least_day``.

    With ``at_least_day`` the index refuses earlier days (``InvalidValue``) instead of
    answering them without the holdings that had ended.
    """
    rows = Prefix.objects.order_by("id")
    if at_least_day is not None:
        rows = rows.filter(Q(valid_until__isnull=True) | Q(valid_until__gt=at_least_day))
    values = rows.values_list(
        "cidr", "asn__number", "organisation__slug", "valid_from", "valid_until"
    )
    entries = (
        PrefixEntry(cidr, asn, owner, valid_from, valid_until)
        for cidr, asn, owner, valid_from, valid_until in values.iterator(chunk_size=5000)
    )
    return PrefixIndex(entries, covers_from=at_least_day)


def load_prefix_index(at_least_day: dt.date | None = None) -> PrefixIndex:
    """Return the index of the prefix table (see ``build_prefix_index``), cached.

    The cached index is returned while ``prefix_index_key()`` is unchanged; otherwise a new
    one is built (about a second per 100,000 prefixes) and kept.
    """
    key = prefix_index_key()
    with _lock:
        cached = _cache.get(at_least_day)
        if cached is not None and cached[0] == key:
            _cache.move_to_end(at_least_day)
            return cached[1]
    index = build_prefix_index(at_least_day)
    with _lock:
        _cache[at_least_day] = (key, index)
        _cache.move_to_end(at_least_day)
        while len(_cache) > _KEPT_INDEXES:
            _cache.popitem(last=False)
    return index


def forget_prefix_indexes() -> None:
    """Drop every cached index (tests, or after writing to the tables behind the services)."""
    with _lock:
        _cache.clear()
