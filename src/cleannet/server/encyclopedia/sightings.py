"""What the platform sees of a family: event counts and a daily sparkline, never an address."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from cleannet.server.intel.models import Event, MalwareFamily

CACHE_SECONDS = 300
WINDOW_DAYS = 90


@dataclass(frozen=True)
class Sightings:
    """Events of one family in the last 30 and 90 days, and per UTC day over 90 days."""

    last_30_days: int
    last_90_days: int
    daily: list[int]


def family_sightings(family: MalwareFamily | None, now: dt.datetime | None = None) -> Sightings:
    """Return the family's event counts, zeros for no family (cached a few minutes: pages
    are read far more often than feeds run)."""
    if family is None:
        return Sightings(0, 0, [0] * WINDOW_DAYS)
    key = f"encyclopedia:sightings:{family.pk}"
    found: Sightings | None = None if now else cache.get(key)
    if found is None:
        found = _count(family, now or timezone.now())
        if now is None:
            cache.set(key, found, CACHE_SECONDS)
    return found


def _count(family: MalwareFamily, now: dt.datetime) -> Sightings:
    today = now.astimezone(dt.UTC).date()
    first = today - dt.timedelta(days=WINDOW_DAYS - 1)
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    rows = (
        Event.objects.filter(family=family, time_source__gte=start, time_source__lte=now)
        .annotate(day=TruncDate("time_source", tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("id"))
    )
    per_day = {row["day"]: row["n"] for row in rows}
    daily = [per_day.get(first + dt.timedelta(days=i), 0) for i in range(WINDOW_DAYS)]
    return Sightings(last_30_days=sum(daily[-30:]), last_90_days=sum(daily), daily=daily)


def sparkline(values: list[int], label: str, width: int = 180, height: int = 36) -> SafeString:
    """Return a small SVG polyline of ``values`` with ``label`` as its accessible name."""
    if not values:
        return format_html("")
    peak = max(values) or 1
    step = width / max(len(values) - 1, 1)
    points = " ".join(
        f"{i * step:.1f},{height - 2 - v * (height - 4) / peak:.1f}" for i, v in enumerate(values)
    )
    return format_html(
        '<svg class="sparkline" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}"><polyline fill="none" stroke="#b3261e" stroke-width="1.5" '
        'points="{}"/></svg>',
        width, height, width, height, label, points,
    )  # fmt: skip
