"""The 72-hour clock of a breach notice, computed from times alone (no database).

The clock runs from discovery until the notice is filed; once filed, it stops and says
whether the notice was on time or by how much it was late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleannet.server.breachnotices.models import NOTICE_PERIOD

REMINDER_HOURS = (24, 48, 66)
"""Hours after discovery at which the contact of an unfiled draft is reminded."""
LATE_ALERT_HOURS = 72
"""The threshold recorded for the analysts' alert about a notice filed late."""


@dataclass(frozen=True)
class DeadlineClock:
    """Where a notice stands against its deadline at ``at`` (or when it was filed).

    ``elapsed_percent`` is 0–100 (100 once the 72 hours are used up); ``seconds_left`` is
    positive before the deadline, and ``seconds_late`` positive after it.
    """

    discovered_at: dt.datetime
    due_at: dt.datetime
    at: dt.datetime
    stopped: bool

    @property
    def seconds_left(self) -> int:
        return max(0, int((self.due_at - self.at).total_seconds()))

    @property
    def seconds_late(self) -> int:
        return max(0, int((self.at - self.due_at).total_seconds()))

    @property
    def is_late(self) -> bool:
        return self.at > self.due_at

    @property
    def hours_left(self) -> int:
        """Whole hours left, rounded down (the page says "less than one hour" at 0)."""
        return self.seconds_left // 3600

    @property
    def hours_late(self) -> int:
        """Whole hours late, rounded up: one minute late is one hour late."""
        return -(-self.seconds_late // 3600)

    @property
    def elapsed_percent(self) -> int:
        total = (self.due_at - self.discovered_at).total_seconds()
        used = (self.at - self.discovered_at).total_seconds()
        return max(0, min(100, round(100 * used / total)))


def due_at(discovered_at: dt.datetime) -> dt.datetime:
    """Return the deadline for a breach discovered at ``discovered_at``: 72 hours later."""
    return discovered_at + NOTICE_PERIOD


def deadline_clock(
    discovered_at: dt.datetime, filed_at: dt.datetime | None, now: dt.datetime
) -> DeadlineClock:
    """Return the clock at ``now``, or stopped at ``filed_at`` when the notice was filed."""
    return DeadlineClock(
        discovered_at=discovered_at,
        due_at=due_at(discovered_at),
        at=filed_at or now,
        stopped=filed_at is not None,
    )


def reminder_threshold(discovered_at: dt.datetime, now: dt.datetime) -> int | None:
    """Return the highest reminder threshold (hours) passed at ``now``, or None before 24 h."""
    elapsed_hours = (now - discovered_at).total_seconds() / 3600
    passed = [hours for hours in REMINDER_HOURS if elapsed_hours >= hours]
    return passed[-1] if passed else None
