"""What an ISP operator follows of the warnings: tickets, deliveries, failures, owner reports.

Read only. Subscriber warnings are the node's own (a node serves one ISP, so every ticket
stored here is the operator's); owner reports are scoped to the operator's organisation.
Nothing returned carries a subscriber's identifier, address, contact or page token: rows
are built from named safe fields, and failure reasons have addresses and numbers masked.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.urls import NoReverseMatch, reverse

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.owner_reports import visible_reports
from cleannet.server.notices.vocabulary import Channel, NoticeKind, Stage

__all__ = [
    "RECENT_FAILURES",
    "RECENT_TICKETS",
    "ChannelDelivery",
    "FailureRow",
    "ReportLink",
    "TicketRow",
    "Tracking",
    "delivery_by_channel",
    "mask_contacts",
    "owner_report_links",
    "recent_failures",
    "recent_tickets",
    "ticket_counts",
    "tracking_for",
]

RECENT_TICKETS = 20
RECENT_FAILURES = 10
RECENT_REPORTS = 10
_EMAIL = re.compile(r"[^\s<>\"'(),;:@]+@[^\s<>\"'(),;:@]+")
_PHONE = re.compile(r"(?<!\w)\+?\d(?:[ .-]?\d){8,}(?!\w)")
"""Nine digits or more, as a phone number is written; SMTP codes and hex statuses are not."""


@dataclass(frozen=True)
class TicketRow:
    """A warning ticket as the operator sees it in a list: no subscriber, no address."""

    number: str
    family: str
    state: str
    state_label: str
    stage: str
    stage_label: str
    notices_sent: int
    reinfected: bool
    acknowledged_at: dt.datetime | None
    last_found: dt.datetime


@dataclass(frozen=True)
class ChannelDelivery:
    """Subscriber-warning messages of one channel by delivery state (``SENDING`` counts as
    pending: not out yet)."""

    channel: str
    label: str
    pending: int
    sent: int
    delivered: int
    failed: int

    @property
    def total(self) -> int:
        return self.pending + self.sent + self.delivered + self.failed


@dataclass(frozen=True)
class FailureRow:
    """A message given up on: which ticket and channel, and why (contacts masked)."""

    ticket: str
    channel: str
    channel_label: str
    reason: str
    failed_at: dt.datetime | None


@dataclass(frozen=True)
class ReportLink:
    """One of the organisation's owner reports with where to download it."""

    number: str
    created_at: dt.datetime
    event_count: int
    format: str
    download_url: str


@dataclass(frozen=True)
class Tracking:
    tickets_by_state: list[tuple[str, str, int]]
    tickets: int
    recent: list[TicketRow]
    delivery: list[ChannelDelivery]
    failures: list[FailureRow]
    reports: list[ReportLink] | None
    """``None`` when owner reports cannot be listed here (their pages are not installed)."""
    reports_url: str | None


def ticket_counts() -> list[tuple[str, str, int]]:
    """Return ``(state, label, tickets)`` for every ticket state, in the states' order."""
    counted = dict(
        WarningTicket.objects.order_by()
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return [(state, str(label), counted.get(state, 0)) for state, label in _STATES]


def recent_tickets(limit: int = RECENT_TICKETS) -> list[TicketRow]:
    """Return the tickets found most recently, newest first."""
    states, stages = dict(_STATES), dict(Stage.choices)
    rows = WarningTicket.objects.order_by("-last_found", "-id").values(*_TICKET_FIELDS)[:limit]
    return [
        TicketRow(
            **row,
            state_label=str(states.get(row["state"], row["state"])),
            stage_label=str(stages.get(row["stage"], row["stage"] or "—")),
        )
        for row in rows
    ]


def delivery_by_channel() -> list[ChannelDelivery]:
    """Return the subscriber warnings' delivery states of each channel, in the channels' order
    (every channel, zeros included)."""
    rows = (
        OutboxMessage.objects.filter(kind=NoticeKind.SUBSCRIBER_WARNING)
        .order_by()
        .values_list("channel", "status")
        .annotate(n=Count("pk"))
    )
    by: dict[tuple[str, str], int] = {}
    for channel, status, n in rows:
        state = OutboxMessage.Status.PENDING if status == OutboxMessage.Status.SENDING else status
        by[(channel, state)] = by.get((channel, state), 0) + n
    statuses = OutboxMessage.Status
    return [
        ChannelDelivery(
            channel=channel,
            label=str(label),
            pending=by.get((channel, statuses.PENDING), 0),
            sent=by.get((channel, statuses.SENT), 0),
            delivered=by.get((channel, statuses.DELIVERED), 0),
            failed=by.get((channel, statuses.FAILED), 0),
        )
        for channel, label in Channel.choices
    ]


def mask_contacts(text: str) -> str:
    """Return ``text`` with e-mail addresses and phone numbers replaced by placeholders
    (relays and SMS centres often quote the recipient in their refusals)."""
    return _PHONE.sub("[number]", _EMAIL.sub("[address]", text))


def recent_failures(limit: int = RECENT_FAILURES) -> list[FailureRow]:
    """Return the subscriber warnings most recently given up on, newest first."""
    channels = dict(Channel.choices)
    rows = (
        OutboxMessage.objects.filter(
            kind=NoticeKind.SUBSCRIBER_WARNING, status=OutboxMessage.Status.FAILED
        )
        .order_by("-failed_at", "-id")
        .values_list("ticket_ref", "channel", "last_error", "failed_at")[:limit]
    )
    return [
        FailureRow(
            ticket=ticket,
            channel=channel,
            channel_label=str(channels.get(channel, channel)),
            reason=mask_contacts(reason),
            failed_at=failed_at,
        )
        for ticket, channel, reason, failed_at in rows
    ]


def owner_report_links(user: User, limit: int = RECENT_REPORTS) -> list[ReportLink] | None:
    """Return ``user``'s organisation's latest owner reports, newest first, each with its
    download address in its own format; ``None`` when the owner-report pages are not
    mounted on this server."""
    links = []
    for report in visible_reports(user).order_by("-created_at", "-id")[:limit]:
        try:
            url = reverse("owner_reports:download", args=[report.number, report.format])
        except NoReverseMatch:
            return None
        links.append(
            ReportLink(report.number, report.created_at, report.event_count, report.format, url)
        )
    return links if links or _url_or_none("owner_reports:list") else None


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def tracking_for(user: User) -> Tracking:
    """Return what ``user`` (an ISP operator) follows of warnings and owner reports.

    Raises ``PermissionDenied`` for any other role.
    """
    if user.role != Role.ISP_OPERATOR:
        raise PermissionDenied("Only an ISP operator follows its node's warnings.")
    by_state = ticket_counts()
    return Tracking(
        tickets_by_state=by_state,
        tickets=sum(n for _state, _label, n in by_state),
        recent=recent_tickets(),
        delivery=delivery_by_channel(),
        failures=recent_failures(),
        reports=owner_report_links(user),
        reports_url=_url_or_none("owner_reports:list"),
    )


_STATES = WarningTicket.State.choices
_TICKET_FIELDS = (
    "number",
    "family",
    "state",
    "stage",
    "notices_sent",
    "reinfected",
    "acknowledged_at",
    "last_found",
)
