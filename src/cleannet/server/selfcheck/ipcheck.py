"""What the platform saw of one address lately: families, event types and dates only.

One query on ``intel.Event`` by ``source_ip`` (indexed) within the window, grouped by family
and type. Answers are cached briefly (``CLEANNET_SELFCHECK_CACHE_SECONDS``, 60 s by default):
most visitors are clean, a reload storm must not reach the database, and a new sighting
showing a minute late does no harm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from cleannet.server.intel.models import Event
from cleannet.server.selfcheck.clientip import Address

WINDOW_DAYS = 30


@dataclass(frozen=True)
class Sighting:
    """One family (or none known) and event type seen from the address, with its dates."""

    family_name: str
    family_slug: str
    classification_type: str
    first_seen: dt.datetime
    last_seen: dt.datetime
    events: int


@dataclass(frozen=True)
class IpCheck:
    """The answer for ``address`` over the last ``days`` days; ``sightings`` empty if clean."""

    address: str
    days: int
    sightings: tuple[Sighting, ...]

    @property
    def infected(self) -> bool:
        return bool(self.sightings)


def cache_seconds() -> int:
    """How long an answer (and its rendering) is kept, in seconds."""
    return int(getattr(settings, "CLEANNET_SELFCHECK_CACHE_SECONDS", 60))


def _cache_key(address: str, days: int) -> str:
    return f"selfcheck:ip:{days}:{address}"


def _query(address: str, since: dt.datetime) -> tuple[Sighting, ...]:
    rows = (
        Event.objects.filter(source_ip=address, time_source__gte=since)
        .values("family__name", "family__slug", "classification_type")
        .annotate(
            first=Min(Coalesce("first_seen", "time_source")),
            last=Max(Coalesce("last_seen", "time_source")),
            events=Count("id"),
        )
        .order_by("-last", "family__name", "classification_type")
    )
    return tuple(
        Sighting(
            family_name=row["family__name"] or "",
            family_slug=row["family__slug"] or "",
            classification_type=row["classification_type"],
            first_seen=row["first"],
            last_seen=row["last"],
            events=row["events"],
        )
        for row in rows
    )


def check_address(
    address: Address, days: int = WINDOW_DAYS, now: dt.datetime | None = None
) -> IpCheck:
    """Return what was seen from ``address`` in the last ``days`` days.

    IPv6 addresses are compared in their compressed form, as the events store them.
    """
    text = address.compressed
    key = _cache_key(text, days)
    sightings: tuple[Sighting, ...] | None = cache.get(key) if now is None else None
    if sightings is None:
        since = (now or timezone.now()) - dt.timedelta(days=days)
        sightings = _query(text, since)
        if now is None:
            cache.set(key, sightings, cache_seconds())
    return IpCheck(text, days, sightings)
