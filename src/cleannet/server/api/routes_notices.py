"""``/api/v1/notices/…`` at an ISP's node: warning tickets and the walled-garden list.

The captive portal (an ISP operator's token, or the authority's administrator) reads the
walled-garden list as JSON or as plain text, one ``<address> <url>`` line each. ISP operators
follow and acknowledge the tickets (a subscriber who said on the phone that the device was
cleaned). The page token never leaves the node through here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.api.auth import roles
from cleannet.server.notices.models import WarningTicket
from cleannet.server.notices.redirects import active_redirects, walled_garden_text
from cleannet.server.notices.tickets import acknowledge

router = Router(tags=["notices"])

MAX_LIMIT = 500
_GARDEN = (Role.ISP_OPERATOR, Role.AUTHORITY_ADMIN)


class RedirectOut(Schema):
    ip: str
    url: str


class TicketOut(Schema):
    number: str
    subscriber: str
    family: str
    state: str
    stage: str
    notices_sent: int
    last_ip: str | None
    first_found: dt.datetime
    last_found: dt.datetime
    last_notice_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    reinfected: bool
    reinfected_at: dt.datetime | None
    closed_at: dt.datetime | None
    redirect_active: bool
    page_viewed_at: dt.datetime | None


class TicketPage(Schema):
    items: list[TicketOut]
    next_after: int | None


class TicketFilters(Schema):
    state: str | None = Field(None, description="open, acknowledged or closed")
    after: int = Field(0, ge=0, description="the next_after of the previous page")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


@router.get("/notices/walled-garden", response=list[RedirectOut], auth=roles(*_GARDEN))
def walled_garden(request: HttpRequest) -> list[dict[str, str]]:
    """The addresses the captive portal sends to their warning page, with the page's URL."""
    return [{"ip": ip, "url": url} for ip, url in active_redirects()]


@router.get("/notices/walled-garden.txt", auth=roles(*_GARDEN))
def walled_garden_plain(request: HttpRequest) -> HttpResponse:
    """The same list as plain text, one ``<address> <url>`` line each."""
    response = HttpResponse(walled_garden_text(), content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


@router.get("/notices/tickets", response=TicketPage, auth=roles(Role.ISP_OPERATOR))
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    """Warning tickets in the order they were opened, ``limit`` at a time; pass
    ``next_after`` back as ``after`` for the next page (null on the last). 400 names a bad
    ``state``."""
    tickets = WarningTicket.objects.all()
    if filters.state:
        if filters.state not in WarningTicket.State.values:
            states = ", ".join(WarningTicket.State.values)
            raise ValidationError({"state": f"must be one of {states}"})
        tickets = tickets.filter(state=filters.state)
    items = list(tickets.filter(id__gt=filters.after).order_by("id")[: filters.limit])
    more = len(items) == filters.limit
    return {"items": items, "next_after": items[-1].id if items and more else None}


@router.post(
    "/notices/tickets/{number}/acknowledge", response=TicketOut, auth=roles(Role.ISP_OPERATOR)
)
def acknowledge_ticket(request: HttpRequest, number: str) -> WarningTicket:
    """Record the subscriber's word that the device is clean (the redirect is lifted).

    404 for an unknown ticket; 400 naming ``state`` for a closed one.
    """
    ticket = get_object_or_404(WarningTicket, number=number.strip().upper())
    return acknowledge(ticket, timezone.now(), actor=_user(request))
