"""At the hub: the notice figures ISP nodes send (``NodeNoticeCount``), per day and family.

A node sends a window of days (``since`` to ``until``, both included) each time it runs; what
it sends replaces everything it had sent for the days of that window, so a day or family
with nothing left disappears, and sending the same figures twice changes nothing.
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
from cleannet.server.node.models import NodeNoticeCount

__all__ = [
    "CLEAN_BUCKETS",
    "MAX_NOTICE_DAYS",
    "MAX_NOTICE_ROWS",
    "NOTICE_FIGURES",
    "NoticeCount",
    "replace_notice_counts",
    "visible_notice_counts",
]

MAX_NOTICE_ROWS = 10_000
MAX_NOTICE_DAYS = 400
"""The longest window one request may replace."""
MAX_FAMILY_LENGTH = 100
NOTICE_FIGURES = ("warned", "sent", "delivered", "acknowledged", "reinfected")
CLEAN_BUCKETS: tuple[tuple[int, int | None], ...] = (
    (0, 1),
    (1, 3),
    (3, 7),
    (7, 14),
    (14, 30),
    (30, None),
)
"""Time to clean: tickets acknowledged on a day, by whole days from first found to
acknowledgement, in [low, high) buckets (the last one open)."""


@dataclass(frozen=True)
class NoticeCount:
    """One day and family of a node's warnings: figures only, never a subscriber."""

    day: dt.date
    family: str | None
    warned: int = 0
    sent: int = 0
    delivered: int = 0
    acknowledged: int = 0
    reinfected: int = 0
    time_to_clean: tuple[int, ...] = ()
    """Tickets acknowledged that day per ``CLEAN_BUCKETS`` bucket; empty means all zeros
    (what a node sent before it counted them)."""


def _checked_time_to_clean(buckets: Sequence[int]) -> list[int]:
    """Return ``buckets`` as stored (``len(CLEAN_BUCKETS)`` counts; zeros for an empty one);
    raise ``ValidationError`` naming ``time_to_clean`` for a wrong length or a negative."""
    if not buckets:
        return [0] * len(CLEAN_BUCKETS)
    if len(buckets) != len(CLEAN_BUCKETS):
        raise ValidationError(
            {"time_to_clean": f"Give {len(CLEAN_BUCKETS)} counts (one per bucket) or none."}
        )
    if any(isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in buckets):
        raise ValidationError({"time_to_clean": "Not a count: below zero or not a whole number."})
    return list(buckets)


def _check_window(since: dt.date, until: dt.date) -> None:
    latest_day = timezone.now().date() + dt.timedelta(days=1)  # a node ahead of UTC by hours
    if until > latest_day:
        raise ValidationError({"until": f"{until} is in the future."})
    if since > until:
        raise ValidationError({"since": f"{since} is after {until}."})
    if (until - since).days >= MAX_NOTICE_DAYS:
        raise ValidationError({"since": f"Send at most {MAX_NOTICE_DAYS} days at a time."})


def _checked(since: dt.date, until: dt.date, rows: Sequence[NoticeCount]) -> list[NodeNoticeCount]:
    """Return unsaved rows; raise ``ValidationError`` naming the field of the first bad one."""
    if len(rows) > MAX_NOTICE_ROWS:
        raise ValidationError({"rows": f"Send at most {MAX_NOTICE_ROWS} counts at a time."})
    _check_window(since, until)
    seen: set[tuple[dt.date, str]] = set()
    checked = []
    for row in rows:
        family = (row.family or "").strip()
        if not since <= row.day <= until:
            raise ValidationError({"day": f"{row.day} is outside {since} to {until}."})
        if len(family) > MAX_FAMILY_LENGTH:
            raise ValidationError({"family": f"At most {MAX_FAMILY_LENGTH} characters."})
        for figure in NOTICE_FIGURES:
            if getattr(row, figure) < 0:
                raise ValidationError({figure: "Not a count: below zero."})
        if (row.day, family) in seen:
            raise ValidationError({"day": f"{row.day} {family or '-'} twice."})
        seen.add((row.day, family))
        figures = {figure: getattr(row, figure) for figure in NOTICE_FIGURES}
        buckets = _checked_time_to_clean(row.time_to_clean)
        checked.append(
            NodeNoticeCount(day=row.day, family=family, time_to_clean=buckets, **figures)
        )
    return checked


def replace_notice_counts(
    user: User, since: dt.date, until: dt.date, rows: Sequence[NoticeCount]
) -> int:
    """Store ``rows`` as ``user``'s organisation's notice figures, replacing every figure it
    had for the days ``since`` to ``until`` (both included). Return how many rows are stored.

    Raises ``ValidationError`` naming the field of a bad row or window (nothing is stored
    then), or if ``user`` is not an ISP operator.
    """
    if user.role != Role.ISP_OPERATOR:
        raise ValidationError({"user": "Only an ISP operator sends a node's counts."})
    counts = _checked(since, until, rows)
    organisation = user.organisation
    with transaction.atomic():
        window = NodeNoticeCount.objects.filter(
            organisation=organisation, day__gte=since, day__lte=until
        )
        window.delete()
        for count in counts:
            count.organisation = organisation
        NodeNoticeCount.objects.bulk_create(counts)
        after = {"since": since.isoformat(), "until": until.isoformat(), "rows": len(counts)}
        record_change(user, "node.notice_counts.replace", organisation, after=after)
    return len(counts)


def visible_notice_counts(user: User) -> QuerySet[NodeNoticeCount]:
    """Return the notice figures ``user`` may read: every organisation's for authority staff,
    else their own organisation's only."""
    counts = NodeNoticeCount.objects.select_related("organisation")
    if user.is_authority:
        return counts
    return counts.filter(organisation=user.organisation)
