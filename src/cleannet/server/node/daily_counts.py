"""At the hub: the per-day counts ISP nodes send, stored per organisation.

A node sends every day its logs cover, each time it runs; what it sends for a day replaces
all it sent for that day before (a family that disappeared from a day disappears here too),
so sending the same figures twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.node.models import NodeDailyCount

__all__ = ["COUNT_KINDS", "MAX_ROWS", "DailyCount", "replace_daily_counts", "visible_daily_counts"]

COUNT_KINDS = ("ip", "cidr", "domain", "url", "event")
"""Indicator kinds a node counts: the matching kinds, and ``event`` for the hub's events."""
MAX_ROWS = 10_000
MAX_FAMILY_LENGTH = 100


@dataclass(frozen=True)
class DailyCount:
    """One count a node sends: no identity, only how many subscribers and records."""

    day: dt.date
    family: str | None
    indicator_kind: str
    subscribers: int
    records: int


def _checked(rows: Sequence[DailyCount]) -> list[NodeDailyCount]:
    """Return unsaved rows; raise ``ValidationError`` naming the field of the first bad one."""
    if len(rows) > MAX_ROWS:
        raise ValidationError({"body": f"Send at most {MAX_ROWS} counts at a time."})
    latest_day = timezone.now().date() + dt.timedelta(days=1)  # a node ahead of UTC by hours
    seen: set[tuple[dt.date, str, str]] = set()
    checked = []
    for row in rows:
        family = (row.family or "").strip()
        key = (row.day, family, row.indicator_kind)
        if row.indicator_kind not in COUNT_KINDS:
            known = ", ".join(COUNT_KINDS)
            reason = f"{row.indicator_kind!r} is not one of {known}."
            raise ValidationError({"indicator_kind": reason})
        if len(family) > MAX_FAMILY_LENGTH:
            raise ValidationError({"family": f"At most {MAX_FAMILY_LENGTH} characters."})
        if row.day > latest_day:
            raise ValidationError({"day": f"{row.day} is in the future."})
        if not 0 <= row.subscribers <= row.records:
            raise ValidationError({"subscribers": "Between 0 and the number of records."})
        if key in seen:
            raise ValidationError({"day": f"{row.day} {family or '-'} {row.indicator_kind} twice."})
        seen.add(key)
        checked.append(
            NodeDailyCount(
                day=row.day,
                family=family,
                indicator_kind=row.indicator_kind,
                subscribers=row.subscribers,
                records=row.records,
            )
        )
    return checked


def replace_daily_counts(user: User, rows: Sequence[DailyCount]) -> list[dt.date]:
    """Store ``rows`` as ``user``'s organisation's counts, replacing what it had for their days.

    Return the days replaced, in order. Raises ``ValidationError`` naming the field of a bad
    row (nothing is stored then), or if ``user`` is not an ISP operator.
    """
    if user.role != Role.ISP_OPERATOR:
        raise ValidationError({"user": "Only an ISP operator sends a node's counts."})
    counts = _checked(rows)
    days = sorted({count.day for count in counts})
    organisation = user.organisation
    with transaction.atomic():
        NodeDailyCount.objects.filter(organisation=organisation, day__in=days).delete()
        for count in counts:
            count.organisation = organisation
        NodeDailyCount.objects.bulk_create(counts)
        after = {"days": [day.isoformat() for day in days], "rows": len(counts)}
        record_change(user, "node.daily_counts.replace", organisation, after=after)
    return days


def visible_daily_counts(user: User) -> QuerySet[NodeDailyCount]:
    """Return the counts ``user`` may read: every organisation's for authority staff, else
    their own organisation's only."""
    counts = NodeDailyCount.objects.select_related("organisation")
    if user.is_authority:
        return counts
    return counts.filter(organisation=user.organisation)
