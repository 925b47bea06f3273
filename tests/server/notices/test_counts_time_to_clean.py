"""The node's time to clean: tickets acknowledged on a UTC day, by whole days from the start of
their current infection, in the ``CLEAN_BUCKETS`` buckets."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from cleannet.server.node.notice_counts import CLEAN_BUCKETS
from cleannet.server.notices.counts import clean_bucket, notice_counts, outgoing_notice_counts
from cleannet.server.notices.models import WarningTicket

START = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
_serial = itertools.count(1)


def acknowledged(
    family: str,
    found: dt.datetime,
    after: dt.timedelta,
    reinfected_at: dt.datetime | None = None,
) -> WarningTicket:
    """A ticket found at ``found`` and acknowledged ``after`` later."""
    n = next(_serial)
    return WarningTicket.objects.create(
        number=f"W-2026-{n:06d}", subscriber=f"sub-{n}", family=family, state="acknowledged",
        first_found=found, last_found=found, acknowledged_at=found + after,
        reinfected=reinfected_at is not None, reinfected_at=reinfected_at,
        page_token=f"token-{n}-0123456789abcdef",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("days", "bucket"),
    [(-1, 0), (0, 0), (1, 1), (2, 1), (3, 2), (6, 2), (7, 3), (13, 3), (14, 4), (29, 4),
     (30, 5), (400, 5)],
)  # fmt: skip
def test_it_puts_whole_days_in_half_open_buckets(days: int, bucket: int) -> None:
    assert clean_bucket(days) == bucket
    low, high = CLEAN_BUCKETS[bucket]
    assert max(days, 0) >= low and (high is None or days < high)


def _on(day: dt.date, family: str) -> tuple[int, ...]:
    [row] = [r for r in notice_counts(day, day) if r.family == family]
    return row.time_to_clean


@pytest.mark.django_db
def test_it_counts_whole_days_from_first_found_to_the_acknowledgement() -> None:
    ack_day = (START + dt.timedelta(days=40)).date()
    for days, hours in [(40, 0), (33, 0), (20, 5), (7, 0), (6, 23), (1, 0), (0, 23)]:
        found = dt.datetime.combine(ack_day, dt.time(9), tzinfo=dt.UTC) - dt.timedelta(days=days)
        acknowledged(
            "mirai", found - dt.timedelta(hours=hours), dt.timedelta(days=days, hours=hours)
        )

    assert _on(ack_day, "mirai") == (1, 1, 1, 1, 1, 2)


@pytest.mark.django_db
def test_it_counts_from_a_reinfection_found_before_the_acknowledgement() -> None:
    acknowledged("mirai", START, dt.timedelta(days=20), reinfected_at=START + dt.timedelta(days=18))

    # 2 days since the re-infection, not 20 since first found
    assert _on((START + dt.timedelta(days=20)).date(), "mirai") == (0, 1, 0, 0, 0, 0)


@pytest.mark.django_db
def test_it_counts_from_first_found_when_the_reinfection_came_after() -> None:
    acknowledged("mirai", START, dt.timedelta(days=10), reinfected_at=START + dt.timedelta(days=12))

    assert _on((START + dt.timedelta(days=10)).date(), "mirai") == (0, 0, 0, 1, 0, 0)


@pytest.mark.django_db
def test_it_keeps_families_and_utc_days_apart_and_adds_up_to_the_acknowledged() -> None:
    late = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)  # 06:30 on 2 March in Hanoi
    acknowledged("mirai", late - dt.timedelta(days=3), dt.timedelta(days=3))
    acknowledged("gafgyt", late, dt.timedelta(hours=1))
    acknowledged("", late, dt.timedelta(days=31))

    rows = {
        (r.day.isoformat(), r.family): r for r in notice_counts(late.date(), dt.date(2026, 4, 1))
    }

    assert rows[("2026-03-01", "mirai")].time_to_clean == (0, 0, 1, 0, 0, 0)
    assert rows[("2026-03-02", "gafgyt")].time_to_clean == (1, 0, 0, 0, 0, 0)
    assert rows[("2026-04-01", "")].time_to_clean == (0, 0, 0, 0, 0, 1)
    assert all(sum(r.time_to_clean) == r.acknowledged for r in rows.values())


@pytest.mark.django_db
def test_it_sends_zeros_for_a_day_where_nothing_was_acknowledged() -> None:
    ticket = acknowledged("mirai", START, dt.timedelta(days=2))
    WarningTicket.objects.filter(pk=ticket.pk).update(state="open", acknowledged_at=None)
    WarningTicket.objects.filter(pk=ticket.pk).update(reinfected_at=START + dt.timedelta(days=1))

    [row] = outgoing_notice_counts(now=START + dt.timedelta(days=2))["rows"]

    assert row["reinfected"] == 1 and row["time_to_clean"] == [0] * len(CLEAN_BUCKETS)
