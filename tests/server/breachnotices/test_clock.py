"""The 72-hour clock, from times alone."""

from __future__ import annotations

import datetime as dt

from cleannet.server.breachnotices.clock import deadline_clock, due_at, reminder_threshold

DISCOVERED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)


def test_it_sets_the_deadline_72_hours_after_discovery() -> None:
    assert due_at(DISCOVERED) == dt.datetime(2026, 3, 5, 1, 30, tzinfo=dt.UTC)


def test_it_counts_the_hours_left_down_and_the_share_used() -> None:
    clock = deadline_clock(DISCOVERED, None, DISCOVERED + dt.timedelta(hours=18, minutes=59))

    assert clock.hours_left == 53
    assert clock.hours_late == 0
    assert clock.elapsed_percent == 26
    assert not clock.is_late
    assert not clock.stopped


def test_one_minute_past_the_deadline_is_one_hour_late() -> None:
    clock = deadline_clock(DISCOVERED, None, DISCOVERED + dt.timedelta(hours=72, minutes=1))

    assert clock.is_late
    assert clock.hours_late == 1
    assert clock.hours_left == 0
    assert clock.elapsed_percent == 100


def test_it_stops_when_the_notice_is_filed() -> None:
    filed = DISCOVERED + dt.timedelta(hours=80)
    clock = deadline_clock(DISCOVERED, filed, DISCOVERED + dt.timedelta(days=30))

    assert clock.stopped
    assert clock.hours_late == 8
    assert clock.at == filed


def test_a_discovery_reported_from_a_fast_clock_uses_nothing_yet() -> None:
    clock = deadline_clock(DISCOVERED, None, DISCOVERED - dt.timedelta(minutes=3))

    assert clock.elapsed_percent == 0
    assert clock.hours_left == 72


def test_it_names_the_highest_reminder_threshold_passed() -> None:
    def at(hours: float) -> int | None:
        return reminder_threshold(DISCOVERED, DISCOVERED + dt.timedelta(hours=hours))

    assert [at(23.9), at(24), at(47), at(48.5), at(66), at(100)] == [None, 24, 24, 48, 66, 66]
