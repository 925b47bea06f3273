"""At the node: what warning subscribers achieved, per UTC day and family, for the hub.

Aggregates only — no subscriber, address, ticket number or contact leaves this module:

- ``warned``: tickets whose first subscriber warning was queued that day;
- ``sent`` / ``delivered``: subscriber-warning messages (any channel) sent / delivered that day;
- ``acknowledged``: tickets the subscriber acknowledged that day (the latest acknowledgement);
- ``reinfected``: tickets found again after an acknowledgement that day;
- ``time_to_clean``: the tickets acknowledged that day, per ``CLEAN_BUCKETS`` bucket of whole
  days from the start of their current infection (``first_found``, or ``reinfected_at`` when
  the ticket was found again before that acknowledgement) to the acknowledgement.

``outgoing_notice_counts`` is what the node sends after each run (``node.outgoing``):
the last ``SENT_DAYS`` days, which replace what the hub had for them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, DateTimeField, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from cleannet.server.node.notice_counts import CLEAN_BUCKETS, NoticeCount
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.vocabulary import NoticeKind

__all__ = ["SENT_DAYS", "clean_bucket", "notice_counts", "outgoing_notice_counts"]

SENT_DAYS = 31
"""Days a node sends each time: late deliveries and acknowledgements land on past days."""

_Figures = dict[str, int]


def _bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    return start, dt.datetime.combine(until, dt.time.min, tzinfo=dt.UTC) + dt.timedelta(days=1)


def _warnings() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(kind=NoticeKind.SUBSCRIBER_WARNING)


def _per_day(rows: QuerySet[Any], at: str, family: str) -> list[tuple[dt.date, str, int]]:
    """Count ``rows`` per UTC day of the time field ``at`` and the family field ``family``."""
    grouped = (
        rows.annotate(day=TruncDate(at, tzinfo=dt.UTC))
        .values("day", family)
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [(row["day"], row[family] or "", row["n"]) for row in grouped]


def _message_counts(
    at: str, start: dt.datetime, end: dt.datetime
) -> list[tuple[dt.date, str, int]]:
    ticket_family = WarningTicket.objects.filter(number=OuterRef("ticket_ref")).values("family")
    messages = _warnings().filter(**{f"{at}__gte": start, f"{at}__lt": end})
    return _per_day(messages.annotate(family=Subquery(ticket_family[:1])), at, "family")


def _ticket_counts(at: str, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, str, int]]:
    tickets = WarningTicket.objects.filter(**{f"{at}__gte": start, f"{at}__lt": end})
    return _per_day(tickets, at, "family")


def _first_warnings(start: dt.datetime, end: dt.datetime) -> list[tuple[dt.date, str, int]]:
    first = _warnings().filter(ticket_ref=OuterRef("number")).order_by("created_at", "id")
    tickets = WarningTicket.objects.annotate(
        first_notice=Subquery(first.values("created_at")[:1], output_field=DateTimeField())
    ).filter(first_notice__gte=start, first_notice__lt=end)
    return _per_day(tickets, "first_notice", "family")


def clean_bucket(days: int) -> int:
    """Return the index in ``CLEAN_BUCKETS`` of ``days`` whole days to clean (below 0 is 0)."""
    for index, (_low, high) in enumerate(CLEAN_BUCKETS):
        if high is None or days < high:
            return index
    return len(CLEAN_BUCKETS) - 1  # unreachable while the last bucket is open


def _infection_start(
    first_found: dt.datetime, reinfected_at: dt.datetime | None, acknowledged_at: dt.datetime
) -> dt.datetime:
    # A ticket keeps only its latest re-infection: one after this acknowledgement says
    # nothing about when the acknowledged infection began, so first_found stands then.
    if reinfected_at is not None and reinfected_at <= acknowledged_at:
        return reinfected_at
    return first_found


def _time_to_clean(start: dt.datetime, end: dt.datetime) -> dict[tuple[dt.date, str], list[int]]:
    """Per UTC day and family of ``acknowledged_at`` in [start, end): the bucket counts."""
    tickets = WarningTicket.objects.filter(acknowledged_at__gte=start, acknowledged_at__lt=end)
    fields = ("family", "first_found", "reinfected_at", "acknowledged_at")
    buckets: dict[tuple[dt.date, str], list[int]] = {}
    for family, first_found, reinfected_at, acknowledged_at in (
        tickets.order_by().values_list(*fields).iterator(chunk_size=5000)
    ):
        began = _infection_start(first_found, reinfected_at, acknowledged_at)
        key = (acknowledged_at.astimezone(dt.UTC).date(), family or "")
        row = buckets.setdefault(key, [0] * len(CLEAN_BUCKETS))
        row[clean_bucket((acknowledged_at - began).days)] += 1
    return buckets


def notice_counts(since: dt.date, until: dt.date) -> list[NoticeCount]:
    """Return the figures of every day ``since`` to ``until`` (UTC, both included) and family
    that has any, ordered by day then family (``""`` for tickets without a family).
    ``time_to_clean`` is empty on a row where nothing was acknowledged, else it has one count
    per ``CLEAN_BUCKETS`` bucket adding up to ``acknowledged``."""
    start, end = _bounds(since, until)
    figures: dict[tuple[dt.date, str], _Figures] = defaultdict(dict)
    parts = {
        "warned": _first_warnings(start, end),
        "sent": _message_counts("sent_at", start, end),
        "delivered": _message_counts("delivered_at", start, end),
        "acknowledged": _ticket_counts("acknowledged_at", start, end),
        "reinfected": _ticket_counts("reinfected_at", start, end),
    }
    for figure, rows in parts.items():
        for day, family, n in rows:
            figures[(day, family)][figure] = n
    cleaned = _time_to_clean(start, end)
    return [
        NoticeCount(
            day=day,
            family=family,
            time_to_clean=tuple(cleaned.get((day, family), ())),
            **figures[(day, family)],
        )
        for day, family in sorted(figures)
    ]


def outgoing_notice_counts(now: dt.datetime | None = None) -> dict[str, Any]:
    """Return the body of the hub's ``POST /node/notice-counts``: the last ``SENT_DAYS`` days
    up to ``now``'s UTC day, every day of them replaced at the hub (empty days included)."""
    until = (now or timezone.now()).astimezone(dt.UTC).date()
    since = until - dt.timedelta(days=SENT_DAYS - 1)
    rows = [
        {
            "day": count.day.isoformat(),
            "family": count.family or None,
            "warned": count.warned,
            "sent": count.sent,
            "delivered": count.delivered,
            "acknowledged": count.acknowledged,
            "reinfected": count.reinfected,
            "time_to_clean": list(count.time_to_clean or [0] * len(CLEAN_BUCKETS)),
        }
        for count in notice_counts(since, until)
    ]
    return {"since": since.isoformat(), "until": until.isoformat(), "rows": rows}
