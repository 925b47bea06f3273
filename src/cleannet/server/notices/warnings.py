"""Plan subscriber warnings from the node's findings: open, escalate, re-open and close tickets.

``plan_warnings(now)`` groups the findings seen within ``close_quiet_days`` by (subscriber,
family), keeps one live ``WarningTicket`` per group and decides with ``warning_stages`` which
notice each ticket is due. Each subscriber is planned in one transaction: its tickets are
locked, updated and their notices queued (``warning_notices.queue_notice`` → the outbox)
together, so a ticket never records a stage whose messages were not queued, nor the reverse.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from cleannet.server.accounts.audit import snapshot
from cleannet.server.config_notices import NoticeSettings
from cleannet.server.node.models import NodeFinding
from cleannet.server.notices.models import SubscriberContact, WarningTicket
from cleannet.server.notices.tickets import (
    audit_ticket,
    new_page_token,
    next_ticket_number,
)
from cleannet.server.notices.vocabulary import Stage
from cleannet.server.notices.warning_notices import queue_notice
from cleannet.server.notices.warning_stages import (
    TicketFacts,
    cooling_down,
    due_stage,
    is_reinfection,
    should_close,
)

__all__ = ["PlanSummary", "Sighting", "plan_warnings"]

State = WarningTicket.State
Progress = Callable[[int, int], None]
_SECRET = ("page_token",)


@dataclass(frozen=True)
class PlanSummary:
    """What one planning run did: tickets opened, escalated (reminder or final), found again
    after an acknowledgement, closed; messages queued; notices held back by the cooldown."""

    opened: int = 0
    escalated: int = 0
    reinfected: int = 0
    closed: int = 0
    queued: int = 0
    skipped_cooldown: int = 0


@dataclass
class _Tally:
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, name: str, n: int = 1) -> None:
        self.counts[name] += n

    def summary(self) -> PlanSummary:
        return PlanSummary(**self.counts)


@dataclass
class Sighting:
    """A subscriber's findings of one family: the span they cover and the latest address."""

    first_seen: dt.datetime
    last_seen: dt.datetime
    ip: str


def _sightings(since: dt.datetime) -> dict[str, dict[str, Sighting]]:
    """Findings seen on or after ``since``, by subscriber then family."""
    found: dict[str, dict[str, Sighting]] = defaultdict(dict)
    rows = NodeFinding.objects.filter(last_seen__gte=since).order_by("last_seen", "id")
    fields = ("subscriber", "family", "ip", "first_seen", "last_seen")
    for subscriber, family, ip, first, last in rows.values_list(*fields).iterator(2000):
        seen = found[subscriber].get(family)
        if seen is None:
            found[subscriber][family] = Sighting(first, last, ip)
        else:  # rows come oldest last_seen first: the latest address wins
            seen.first_seen, seen.last_seen, seen.ip = min(seen.first_seen, first), last, ip
    return found


def _facts(ticket: WarningTicket) -> TicketFacts:
    return TicketFacts(
        state=ticket.state, stage=ticket.stage, last_found=ticket.last_found,
        last_notice_at=ticket.last_notice_at, reinfected=ticket.reinfected,
        reinfected_at=ticket.reinfected_at,
    )  # fmt: skip


def _open(subscriber: str, family: str, seen: Sighting, now: dt.datetime) -> WarningTicket:
    ticket = WarningTicket.objects.create(
        number=next_ticket_number(now.astimezone(dt.UTC).year), subscriber=subscriber,
        family=family, last_ip=seen.ip, first_found=seen.first_seen, last_found=seen.last_seen,
        page_token=new_page_token(), created_at=now,
    )  # fmt: skip
    audit_ticket(None, "open", ticket, None)
    return ticket


def _found_again(ticket: WarningTicket, seen: Sighting, now: dt.datetime) -> bool:
    """Widen the ticket to ``seen``; re-open an acknowledged ticket seen since (return True)."""
    if seen.last_seen >= ticket.last_found:
        ticket.last_found, ticket.last_ip = seen.last_seen, seen.ip
    ticket.first_found = min(ticket.first_found, seen.first_seen)
    if is_reinfection(ticket.state, ticket.acknowledged_at, seen.last_seen):
        ticket.state, ticket.reinfected, ticket.reinfected_at = State.OPEN, True, now
        ticket.cycle += 1  # the same stages again are new messages, not the old ones
        return True
    return False


@dataclass
class _Subscriber:
    """One subscriber's planning: its contact and the time of its latest notice."""

    name: str
    contact: SubscriberContact | None
    last_notice: dt.datetime | None
    config: NoticeSettings
    now: dt.datetime
    tally: _Tally


def _notify(ticket: WarningTicket, who: _Subscriber) -> bool:
    """Queue the notice ``ticket`` is due, unless the subscriber is in cooldown; True when
    a notice was queued."""
    stage = due_stage(_facts(ticket), who.now, who.config.escalate_days)
    if stage is None:
        return False
    if cooling_down(who.last_notice, who.now, who.config.cooldown_days):
        who.tally.add("skipped_cooldown")
        return False
    queued = queue_notice(ticket, who.contact, stage, who.config.subscriber_channels, who.now)
    who.tally.add("queued", queued)
    if stage in (Stage.REMINDER, Stage.FINAL):
        who.tally.add("escalated")
    ticket.stage, ticket.last_notice_at, who.last_notice = stage, who.now, who.now
    ticket.notices_sent += 1
    return True


def _plan_ticket(ticket: WarningTicket, seen: Sighting | None, who: _Subscriber) -> None:
    before = snapshot(ticket, _SECRET)
    reinfected = seen is not None and _found_again(ticket, seen, who.now)
    if reinfected:
        who.tally.add("reinfected")
    if should_close(ticket.last_found, who.now, who.config.close_quiet_days):
        ticket.state, ticket.closed_at, ticket.redirect_active = State.CLOSED, who.now, False
        who.tally.add("closed")
        action = "close"
    else:
        action = "notice" if _notify(ticket, who) else "reinfect" if reinfected else "update"
    if snapshot(ticket, _SECRET) != before:
        ticket.save()
        audit_ticket(None, action, ticket, before)


def _order(item: tuple[str, WarningTicket]) -> tuple[dt.datetime, str]:
    return item[1].first_found, item[0]


def _plan_subscriber(who: _Subscriber, sightings: dict[str, Sighting]) -> None:
    """Plan one subscriber's tickets, oldest infection first (it gets the notice when the
    cooldown lets only one through). Runs inside the caller's transaction."""
    live = WarningTicket.objects.select_for_update().filter(subscriber=who.name)
    tickets = {t.family: t for t in live.exclude(state=State.CLOSED)}
    who.last_notice = _last_notice(who.name)  # read under the lock: concurrent planners agree
    for family, seen in sightings.items():
        if family not in tickets:
            tickets[family] = _open(who.name, family, seen, who.now)
            who.tally.add("opened")
    for family, ticket in sorted(tickets.items(), key=_order):
        _plan_ticket(ticket, sightings.get(family), who)


def _last_notice(subscriber: str) -> dt.datetime | None:
    tickets = WarningTicket.objects.filter(subscriber=subscriber)
    latest: dt.datetime | None = tickets.aggregate(at=Max("last_notice_at"))["at"]
    return latest


def _plan_one(
    name: str,
    contact: SubscriberContact | None,
    sightings: dict[str, Sighting],
    config: NoticeSettings,
    now: dt.datetime,
) -> _Tally:
    """Plan one subscriber in its own transaction; once more if a concurrent planner opened
    one of its tickets first (the unique live ticket refused ours, nothing was kept)."""
    for attempt in range(2):
        tally = _Tally()
        try:
            with transaction.atomic():
                _plan_subscriber(_Subscriber(name, contact, None, config, now, tally), sightings)
            return tally
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


def plan_warnings(now: dt.datetime | None = None, progress: Progress | None = None) -> PlanSummary:
    """Open, escalate, re-open and close warning tickets as of ``now``; queue their notices.

    Every subscriber with a recent finding or a live ticket is planned in its own
    transaction (see the module's docstring). ``progress(done, total)`` is called after each.
    """
    now = now or timezone.now()
    config: NoticeSettings = settings.CLEANNET_NOTICES
    sightings = _sightings(now - dt.timedelta(days=config.close_quiet_days))
    live = WarningTicket.objects.exclude(state=State.CLOSED).values_list("subscriber", flat=True)
    subscribers = sorted(set(sightings) | set(live))
    contacts = SubscriberContact.objects.in_bulk(subscribers, field_name="subscriber")
    total = _Tally()
    for done, name in enumerate(subscribers, start=1):
        tally = _plan_one(name, contacts.get(name), sightings.get(name, {}), config, now)
        for key, n in tally.counts.items():
            total.add(key, n)
        if progress is not None:
            progress(done, len(subscribers))
    return total.summary()
