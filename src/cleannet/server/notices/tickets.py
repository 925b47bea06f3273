"""Warning tickets one at a time: numbers, the page's secret link, acknowledgement, viewing.

Ticket numbers are ``W-<year>-<6 digits>``, a yearly sequence (a row locked while a number is
taken, so concurrent planners never issue one twice). The page token is the secret of the
walled-garden link: whoever holds it sees the page, which shows nothing personal beyond the
family, the times and the address.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.models.subscribers import WarningTicketSequence
from cleannet.server.notices.outbox import mark_delivered
from cleannet.server.notices.template_context import site_link
from cleannet.server.notices.vocabulary import Channel

__all__ = [
    "TICKET_RE",
    "acknowledge",
    "audit_ticket",
    "new_page_token",
    "next_ticket_number",
    "page_url",
    "record_page_view",
    "ticket_for_token",
]

TICKET_RE = re.compile(r"W-\d{4}-\d{6,}")
_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")
_SECRET = ("page_token",)
"""Left out of audit snapshots: the token is the page's only key."""

State = WarningTicket.State


def next_ticket_number(year: int) -> str:
    """Issue the next ticket number of ``year``; two concurrent callers never get the same."""
    with transaction.atomic():
        WarningTicketSequence.objects.get_or_create(year=year)
        sequence = WarningTicketSequence.objects.select_for_update().get(year=year)
        sequence.last += 1
        sequence.save(update_fields=["last"])
    return f"W-{year:04d}-{sequence.last:06d}"


def new_page_token() -> str:
    """A fresh secret for a ticket's page link (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


def page_url(ticket: WarningTicket) -> str:
    """The page's address: absolute under ``CLEANNET_SITE_URL`` when set, else a path."""
    token = ticket.page_token
    return site_link("notices:page", token, fallback=f"/notice/{token}/")


def ticket_for_token(token: str) -> WarningTicket | None:
    """The ticket whose page token is ``token``; None for a malformed or unknown one."""
    if not _TOKEN_RE.fullmatch(token):
        return None
    return WarningTicket.objects.filter(page_token=token).first()


def audit_ticket(
    actor: User | None, action: str, ticket: WarningTicket, before: dict[str, object] | None
) -> None:
    """Record ``action`` on ``ticket`` (the page token left out) in the caller's transaction."""
    record_change(actor, f"warning_ticket.{action}", ticket, before, snapshot(ticket, _SECRET))


def acknowledge(
    ticket: WarningTicket, at: dt.datetime | None = None, actor: User | None = None
) -> WarningTicket:
    """Record that the subscriber says the device is clean: ``ACKNOWLEDGED``, redirect lifted.

    Acknowledging an acknowledged ticket changes nothing; a closed ticket raises
    ``ValidationError`` naming ``state``. Returns the ticket as stored.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = WarningTicket.objects.select_for_update().get(pk=ticket.pk)
        if locked.state == State.CLOSED:
            raise ValidationError({"state": "A closed ticket cannot be acknowledged."})
        if locked.state == State.ACKNOWLEDGED:
            return locked
        before = snapshot(locked, _SECRET)
        locked.state, locked.acknowledged_at, locked.redirect_active = State.ACKNOWLEDGED, at, False
        locked.save(update_fields=["state", "acknowledged_at", "redirect_active"])
        audit_ticket(actor, "acknowledge", locked, before)
    return locked


def record_page_view(ticket: WarningTicket, at: dt.datetime | None = None) -> None:
    """Note that the page was seen: ``page_viewed_at`` the first time, and every page message
    of the ticket that was sent (the redirect worked) becomes ``DELIVERED``."""
    at = at or timezone.now()
    if ticket.page_viewed_at is None:
        WarningTicket.objects.filter(pk=ticket.pk, page_viewed_at__isnull=True).update(
            page_viewed_at=at
        )
        ticket.page_viewed_at = at
    sent = OutboxMessage.objects.filter(
        ticket_ref=ticket.number, channel=Channel.PAGE, status=OutboxMessage.Status.SENT
    )
    for key in sent.values_list("key", flat=True):
        mark_delivered(key, at)
