"""Aggregate figures for public pages: counts only, never an address or an owner's name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannet.server.intel.models import Event

INFECTED = "infected-system"


@dataclass(frozen=True)
class DailyCount:
    day: dt.date
    count: int


@dataclass(frozen=True)
class FamilyCount:
    name: str
    count: int


@dataclass(frozen=True)
class NationalPicture:
    """What the public home page shows about the last ``days`` days."""

    days: int
    infected_events: int
    distinct_infected_ips: int
    daily: list[DailyCount]
    top_families: list[FamilyCount]


def _window(days: int, now: dt.datetime | None) -> tuple[dt.datetime, dt.datetime]:
    end = now or timezone.now()
    return end - dt.timedelta(days=days), end


def daily_counts(start: dt.datetime, end: dt.datetime) -> list[DailyCount]:
    """Return infected-system events per UTC day in ``[start, end)``, zero-filled."""
    rows = (
        Event.objects.filter(
            classification_type=INFECTED, time_source__gte=start, time_source__lt=end
        )
        .annotate(day=TruncDate("time_source", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("id"))
    )
    counts = {row["day"]: row["n"] for row in rows}
    first, last = start.astimezone(dt.UTC).date(), end.astimezone(dt.UTC).date()
    days = (last - first).days + 1
    return [
        DailyCount(d, counts.get(d, 0)) for d in (first + dt.timedelta(days=i) for i in range(days))
    ]


def top_families(start: dt.datetime, end: dt.datetime, limit: int = 8) -> list[FamilyCount]:
    """Return the families with the most infected-system events in ``[start, end)``."""
    rows = (
        Event.objects.filter(
            classification_type=INFECTED,
            time_source__gte=start,
            time_source__lt=end,
            family__isnull=False,
        )
        .values("family__name")
        .annotate(n=Count("id"))
        .order_by("-n", "family__name")[:limit]
    )
    return [FamilyCount(row["family__name"], row["n"]) for row in rows]


def national_picture(days: int = 90, now: dt.datetime | None = None) -> NationalPicture:
    """Return the infected-system picture of the last ``days`` days."""
    start, end = _window(days, now)
    infected = Event.objects.filter(
        classification_type=INFECTED, time_source__gte=start, time_source__lt=end
    )
    return NationalPicture(
        days=days,
        infected_events=infected.count(),
        distinct_infected_ips=infected.values("source_ip").distinct().count(),
        daily=daily_counts(start, end),
        top_families=top_families(start, end),
    )
