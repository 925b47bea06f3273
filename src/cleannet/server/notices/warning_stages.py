"""When a warning ticket is due for a notice, and which one: the pure part of planning.

Nothing here reads the database; ``warnings.plan_warnings`` hands in what it found. The rules:

- a new ticket gets ``FIRST``;
- an open ticket still found after its last notice, ``escalate_days`` or more after that
  notice, gets the next step: ``FIRST``/``REINFECTED`` → ``REMINDER`` → ``FINAL``;
- after ``FINAL`` nothing more until the ticket closes;
- an acknowledged ticket found again after the acknowledgement is a re-infection: it opens
  again and gets ``REINFECTED`` (then escalation starts over);
- no subscriber gets two notices within ``cooldown_days`` (whatever the family);
- a ticket with no finding for ``close_quiet_days`` closes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cleannet.server.notices.vocabulary import Stage

OPEN = "open"
ACKNOWLEDGED = "acknowledged"
CLOSED = "closed"

_NEXT_STEP: dict[str, str] = {
    Stage.FIRST: Stage.REMINDER,
    Stage.REINFECTED: Stage.REMINDER,
    Stage.REMINDER: Stage.FINAL,
}


@dataclass(frozen=True)
class TicketFacts:
    """What the decision needs to know about one ticket (after this run's findings)."""

    state: str
    stage: str
    last_found: dt.datetime
    last_notice_at: dt.datetime | None
    reinfected: bool = False
    reinfected_at: dt.datetime | None = None


def is_reinfection(state: str, acknowledged_at: dt.datetime | None, last_seen: dt.datetime) -> bool:
    """True when an acknowledged ticket's family was seen after the acknowledgement."""
    return state == ACKNOWLEDGED and acknowledged_at is not None and last_seen > acknowledged_at


def should_close(last_found: dt.datetime, now: dt.datetime, close_quiet_days: int) -> bool:
    """True when nothing was found for ``close_quiet_days`` (the ticket closes)."""
    return last_found < now - dt.timedelta(days=close_quiet_days)


def cooling_down(
    subscriber_last_notice: dt.datetime | None, now: dt.datetime, cooldown_days: int
) -> bool:
    """True while the subscriber's latest notice (any family) is under ``cooldown_days`` old."""
    if subscriber_last_notice is None:
        return False
    return now - subscriber_last_notice < dt.timedelta(days=cooldown_days)


def _reinfection_unannounced(facts: TicketFacts) -> bool:
    if not facts.reinfected or facts.reinfected_at is None:
        return False
    return facts.last_notice_at is None or facts.last_notice_at < facts.reinfected_at


def due_stage(facts: TicketFacts, now: dt.datetime, escalate_days: int) -> str | None:
    """Return the stage of the notice ``facts`` calls for now, or None (nothing is due).

    Cooldown is not applied here: the caller holds the subscriber's other tickets.
    """
    if facts.state != OPEN:
        return None
    if _reinfection_unannounced(facts):
        return Stage.REINFECTED
    if not facts.stage or facts.last_notice_at is None:
        return Stage.FIRST
    step = _NEXT_STEP.get(facts.stage)
    if step is None:
        return None
    still_found = facts.last_found > facts.last_notice_at
    waited = now - facts.last_notice_at >= dt.timedelta(days=escalate_days)
    return step if still_found and waited else None
