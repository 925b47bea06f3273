"""The pure decision of which notice a ticket is due (no database)."""

from __future__ import annotations

import datetime as dt

from cleannet.server.notices.warning_stages import (
    TicketFacts,
    cooling_down,
    due_stage,
    is_reinfection,
    should_close,
)

T0 = dt.datetime(2026, 1, 5, tzinfo=dt.UTC)


def at(days: float) -> dt.datetime:
    return T0 + dt.timedelta(days=days)


def facts(stage: str, last_found: float, last_notice: float | None, **more) -> TicketFacts:
    notice = at(last_notice) if last_notice is not None else None
    return TicketFacts(state=more.pop("state", "open"), stage=stage, last_found=at(last_found),
                       last_notice_at=notice, **more)  # fmt: skip


def test_it_escalates_only_when_still_found_after_escalate_days():
    assert due_stage(facts("", 0, None), at(0), 7) == "first"
    assert due_stage(facts("first", 6, 0), at(7), 7) == "reminder"
    assert due_stage(facts("first", 6, 0), at(6.9), 7) is None  # too early
    assert due_stage(facts("first", 0, 0), at(30), 7) is None  # not seen since the notice
    assert due_stage(facts("reminder", 13, 7), at(14), 7) == "final"
    assert due_stage(facts("final", 40, 14), at(60), 7) is None
    assert due_stage(facts("reinfected", 13, 7), at(14), 7) == "reminder"


def test_it_announces_a_reinfection_once_and_never_on_a_closed_ticket():
    fresh = facts("first", 5, 0, reinfected=True, reinfected_at=at(5))
    assert due_stage(fresh, at(5), 7) == "reinfected"
    told = facts("reinfected", 5, 5, reinfected=True, reinfected_at=at(5))
    assert due_stage(told, at(6), 7) is None
    assert due_stage(facts("", 0, None, state="closed"), at(1), 7) is None
    assert due_stage(facts("first", 5, 0, state="acknowledged"), at(9), 7) is None


def test_it_decides_reinfection_cooldown_and_closing():
    assert is_reinfection("acknowledged", at(1), at(2))
    assert not is_reinfection("acknowledged", at(2), at(2))
    assert not is_reinfection("open", at(1), at(2))
    assert cooling_down(at(0), at(2.9), 3) and not cooling_down(at(0), at(3), 3)
    assert not cooling_down(None, at(0), 3)
    assert should_close(at(0), at(30.1), 30) and not should_close(at(0), at(30), 30)
