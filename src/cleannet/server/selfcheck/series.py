"""The public statistics as daily series: infected addresses by family and by ISP, reports.

Counts only, never an address. A day is a UTC day of ``time_source``. The series of the last
``days`` days are computed together and cached (``CLEANNET_STATISTICS_CACHE_SECONDS``, 300 s
by default): the page is public and its figures change slowly.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.intel.models import Event

INFECTED = "infected-system"
TOP = 5
OTHER = ""  # the name of the "everything else" series; the page translates it


@dataclass(frozen=True)
class Series:
    """``values[i][d]`` is series ``names[i]`` on ``days[d]``; ``OTHER`` names the rest."""

    days: tuple[dt.date, ...]
    names: tuple[str, ...]
    values: tuple[tuple[int, ...], ...]

    @property
    def empty(self) -> bool:
        return not any(any(row) for row in self.values)


@dataclass(frozen=True)
class Statistics:
    days: int
    by_family: Series
    by_isp: Series
    reports: Series  # names: "received", "handled"


def day_axis(days: int, now: dt.datetime) -> tuple[dt.date, ...]:
    """Return the last ``days`` UTC days, today included, oldest first."""
    today = now.astimezone(dt.UTC).date()
    return tuple(today - dt.timedelta(days=days - 1 - i) for i in range(days))


def _infected(days: tuple[dt.date, ...]) -> QuerySet[Event]:
    start = dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC)
    return Event.objects.filter(
        classification_type=INFECTED, time_source__gte=start, source_ip__isnull=False
    )


def _top_and_other(
    days: tuple[dt.date, ...], rows: Iterable[dict[str, Any]], name_field: str
) -> Series:
    per_name: dict[str, dict[dt.date, int]] = defaultdict(dict)
    for row in rows:
        per_name[row[name_field] or OTHER][row["day"]] = row["n"]
    totals = {name: sum(counts.values()) for name, counts in per_name.items() if name != OTHER}
    top = sorted(totals, key=lambda name: (-totals[name], name))[:TOP]
    other: dict[dt.date, int] = defaultdict(int)
    for name, counts in per_name.items():
        if name not in top:
            for day, n in counts.items():
                other[day] += n
    names = [*top, OTHER] if other else top
    columns = [*(per_name[name] for name in top), other]
    values = tuple(tuple(column.get(day, 0) for day in days) for column in columns[: len(names)])
    return Series(days, tuple(names), values)


def _distinct_addresses(queryset: QuerySet[Event], name_field: str) -> Iterable[dict[str, Any]]:
    # An address with two families on one day counts once in each family's series.
    return (
        queryset.annotate(day=TruncDate("time_source", tzinfo=dt.UTC))
        .values("day", name_field)
        .annotate(n=Count("source_ip", distinct=True))
    )


def infected_by_family(days: tuple[dt.date, ...]) -> Series:
    """Distinct infected addresses per day for the top families, the rest as ``OTHER``."""
    return _top_and_other(
        days, _distinct_addresses(_infected(days), "family__name"), "family__name"
    )


def infected_by_isp(days: tuple[dt.date, ...]) -> Series:
    """Distinct infected addresses per day in the top ISPs' networks, the rest as ``OTHER``."""
    queryset = _infected(days).filter(owner__kind=OrganisationKind.ISP)
    return _top_and_other(days, _distinct_addresses(queryset, "owner__name"), "owner__name")


def _report_counts(days: int) -> list[tuple[dt.date, int, int]]:
    # The report channel is another app's; until it answers, the chart is simply empty.
    try:
        from cleannet.server.reports.statistics import daily_counts
    except ImportError:
        return []
    return list(daily_counts(days))


def reports_received_and_handled(days: tuple[dt.date, ...]) -> Series:
    """Reports received and handled per day (from the report channel's own counts)."""
    received: dict[dt.date, int] = {}
    handled: dict[dt.date, int] = {}
    for day, got, done in _report_counts(len(days)):
        received[day], handled[day] = got, done
    values = (
        tuple(received.get(day, 0) for day in days),
        tuple(handled.get(day, 0) for day in days),
    )
    return Series(days, ("received", "handled"), values)


def compute_statistics(days: int = 90, now: dt.datetime | None = None) -> Statistics:
    """Compute every series of the statistics page for the last ``days`` days."""
    axis = day_axis(days, now or timezone.now())
    return Statistics(
        days=days,
        by_family=infected_by_family(axis),
        by_isp=infected_by_isp(axis),
        reports=reports_received_and_handled(axis),
    )


def statistics_cache_seconds() -> int:
    """How long the series (and the page's rendering of them) are kept, in seconds."""
    return int(getattr(settings, "CLEANNET_STATISTICS_CACHE_SECONDS", 300))


def statistics(days: int = 90) -> Statistics:
    """Return the statistics of the last ``days`` days, cached for a few minutes."""
    key = f"selfcheck:statistics:{days}"
    found: Statistics | None = cache.get(key)
    if found is None:
        found = compute_statistics(days)
        cache.set(key, found, statistics_cache_seconds())
    return found
