"""Intervals from start / interim / stop records: RADIUS accounting, CGNAT block logs.

Records of one session (same key) are taken in time order, file order breaking ties:

* an OPEN, or an UPDATE while nothing is open, opens the interval at its time (an
  interim record seen without its start proves the holding from then on, not before);
* a CLOSE ends the open interval at its time; with nothing open, the interval runs from
  ``since`` (the record's own "began at", e.g. Stop time minus Acct-Session-Time) to it,
  and without ``since`` the record is an orphan: reported, since its start is unknown;
* an interval still open at the end of the input has no end (still held).

Another OPEN while one is open changes nothing: the same session re-announced.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from itertools import groupby

__all__ = ["Interval", "Mark", "Step", "fold_sessions"]


class Step(Enum):
    OPEN = "open"
    UPDATE = "update"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Mark:
    """One record's say about a session: ``holding`` is what the interval will carry
    (the first mark of an interval decides it); ``evidence`` where the record is."""

    key: tuple[str, ...]
    step: Step
    at: int
    holding: tuple[str, ...]
    evidence: str
    since: int | None = None


@dataclass(frozen=True, slots=True)
class Interval:
    holding: tuple[str, ...]
    start: int
    end: int | None
    evidence: str


def _session(marks: Iterator[Mark], orphans: list[Mark]) -> Iterator[Interval]:
    opened: Mark | None = None
    for mark in marks:
        if mark.step is not Step.CLOSE:
            opened = opened or mark
        elif opened is not None:
            yield Interval(opened.holding, opened.at, mark.at, opened.evidence)
            opened = None
        elif mark.since is not None:
            yield Interval(mark.holding, min(mark.since, mark.at), mark.at, mark.evidence)
        else:
            orphans.append(mark)
    if opened is not None:
        yield Interval(opened.holding, opened.at, None, opened.evidence)


def fold_sessions(marks: list[Mark]) -> tuple[list[Interval], list[Mark]]:
    """Return the intervals the marks describe, and the orphan CLOSE marks (no start known).

    ``marks`` are in file order; that order breaks ties between marks of the same time.
    """
    ordered = sorted(marks, key=lambda mark: (mark.key, mark.at))
    intervals: list[Interval] = []
    orphans: list[Mark] = []
    for _, session in groupby(ordered, key=lambda mark: mark.key):
        intervals.extend(_session(session, orphans))
    return intervals, orphans
