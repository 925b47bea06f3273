"""Start / interim / stop marks → intervals, in time order whatever the file order."""

from __future__ import annotations

from cleannet.engines.matching.leases.sessions import Interval, Mark, Step, fold_sessions

KEY = ("nas", "session-1", "203.0.113.10")
HOLDING = ("alice", "203.0.113.10")


def _mark(step: Step, at: int, since: int | None = None) -> Mark:
    return Mark(KEY, step, at, HOLDING, f"detail:{at}", since)


def test_it_closes_the_interval_at_the_stop_even_when_the_stop_was_written_first() -> None:
    intervals, orphans = fold_sessions([_mark(Step.CLOSE, 30), _mark(Step.OPEN, 10)])
    assert intervals == [Interval(HOLDING, 10, 30, "detail:10")]
    assert orphans == []


def test_it_ignores_a_repeated_start_and_interims_of_an_open_session() -> None:
    marks = [_mark(Step.OPEN, 10), _mark(Step.UPDATE, 20), _mark(Step.OPEN, 25)]
    intervals, _ = fold_sessions([*marks, _mark(Step.CLOSE, 40)])
    assert intervals == [Interval(HOLDING, 10, 40, "detail:10")]


def test_it_starts_a_new_interval_after_a_stop() -> None:
    marks = [_mark(Step.OPEN, 10), _mark(Step.CLOSE, 20), _mark(Step.UPDATE, 30)]
    intervals, _ = fold_sessions(marks)
    assert intervals == [
        Interval(HOLDING, 10, 20, "detail:10"),
        Interval(HOLDING, 30, None, "detail:30"),
    ]


def test_it_returns_a_stop_without_a_start_or_a_duration_as_an_orphan() -> None:
    lone = _mark(Step.CLOSE, 50)
    intervals, orphans = fold_sessions([lone, _mark(Step.CLOSE, 90, since=60)])
    assert intervals == [Interval(HOLDING, 60, 90, "detail:90")]
    assert orphans == [lone]
