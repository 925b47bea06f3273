"""Reports received and handled per day, for the public statistics page."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannet.server.reports.models import Report


def _per_day(field: str, since: dt.datetime) -> dict[dt.date, int]:
    rows = (
        Report.objects.filter(**{f"{field}__gte": since})
        .annotate(day=TruncDate(field, tzinfo=dt.UTC))
        .values("day")
        .annotate(n=Count("id"))
    )
    return {row["day"]: int(row["n"]) for row in rows}


def daily_counts(days: int, today: dt.date | None = None) -> list[tuple[dt.date, int, int]]:
    """Return ``(day, received, handled)`` for the last ``days`` UTC days up to today, oldest
    first, zeros included. Handled counts a report once, on the day it first reached
    confirmed, rejected, duplicate, actioned or closed."""
    if days < 1:
        return []
    today = today or timezone.now().astimezone(dt.UTC).date()
    first = today - dt.timedelta(days=days - 1)
    since = dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)
    received, handled = _per_day("created_at", since), _per_day("handled_at", since)
    span = (first + dt.timedelta(days=n) for n in range(days))
    return [(day, received.get(day, 0), handled.get(day, 0)) for day in span]
