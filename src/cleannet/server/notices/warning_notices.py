"""Queue one warning notice of a ticket: one message per channel the subscriber can receive.

Called by the planner inside the transaction that updates the ticket, so the ticket's new
stage and its messages commit together or not at all.
"""

from __future__ import annotations

import datetime as dt

from cleannet.server.notices.models import SubscriberContact, WarningTicket
from cleannet.server.notices.outbox import enqueue
from cleannet.server.notices.template_context import subscriber_context
from cleannet.server.notices.templating import render_notice
from cleannet.server.notices.tickets import page_url
from cleannet.server.notices.vocabulary import Channel, Language, NoticeKind

__all__ = ["queue_notice", "recipients_for"]


def recipients_for(
    contact: SubscriberContact | None, ticket: WarningTicket, enabled: tuple[str, ...]
) -> list[tuple[str, str]]:
    """Return (channel, recipient) for each ``enabled`` channel the contact allows (all when
    its list is empty) and has an address for. The page needs no address (its recipient is
    the ticket number), so a subscriber without a contact still gets it."""
    allowed = set(contact.channels) if contact is not None and contact.channels else set(enabled)
    addresses: dict[str, str] = {
        Channel.EMAIL: contact.email if contact is not None else "",
        Channel.SMS: contact.phone if contact is not None else "",
        Channel.PAGE: ticket.number,
    }
    return [
        (channel, addresses.get(channel, ""))
        for channel in enabled
        if channel in allowed and addresses.get(channel)
    ]


def queue_notice(
    ticket: WarningTicket,
    contact: SubscriberContact | None,
    stage: str,
    enabled: tuple[str, ...],
    now: dt.datetime,
) -> int:
    """Render and enqueue the ``stage`` notice of ``ticket`` on every channel it can go by;
    return how many messages were newly queued (one already queued with the same key, from
    an earlier run, is not counted again)."""
    language = contact.language if contact is not None and contact.language else Language.VI
    # Without a contact the page alone is sent, in Vietnamese: an unsaved stand-in says so.
    reader = contact or SubscriberContact(subscriber=ticket.subscriber, language=language)
    context = subscriber_context(ticket, reader, page_url(ticket), stage=stage)
    queued = 0
    for channel, recipient in recipients_for(contact, ticket, enabled):
        rendered = render_notice(
            NoticeKind.SUBSCRIBER_WARNING, channel, stage, language, ticket.family, context
        )
        row = enqueue(
            kind=NoticeKind.SUBSCRIBER_WARNING, channel=channel, recipient=recipient,
            ticket_ref=ticket.number, stage=stage, language=language,
            subject=rendered.subject, body=rendered.body, now=now, cycle=ticket.cycle,
        )  # fmt: skip
        queued += row.created_at == now
    return queued
