"""The walled-garden page a warned subscriber is sent to: ``/notice/<token>/``.

Public (the token is the key): it says which malware was seen from which address and when,
how to remove it, where the free scanner is, and takes the subscriber's word that the device
was cleaned ("I have cleaned my device" → ``acknowledge``, which lifts the redirect). Nothing
personal beyond the family, the times and the address is shown. A wrong token answers 404; a
closed ticket a page with nothing left to do. Viewing it marks the page notice delivered.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.notices.models import WarningTicket
from cleannet.server.notices.template_context import family_details
from cleannet.server.notices.tickets import acknowledge, record_page_view, ticket_for_token

State = WarningTicket.State
_HEADERS = {
    # The token must not leak to other sites through links; "no-referrer" would also make
    # browsers send "Origin: null" with the page's own form, which the CSRF check refuses.
    "Referrer-Policy": "same-origin",
    "X-Robots-Tag": "noindex, nofollow",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def _context(ticket: WarningTicket) -> dict[str, Any]:
    family, family_url, steps = family_details(ticket.family, get_language() or "vi")
    return {"ticket": ticket, "family": family, "family_url": family_url, "removal_steps": steps}


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    response = render(request, template, context)
    for header, value in _HEADERS.items():
        response[header] = value
    return response


@never_cache
@require_http_methods(["GET", "POST"])
@roles_required(PUBLIC)
def warning_page(request: HttpRequest, token: str) -> HttpResponse:
    """Show the warning (GET) or take the acknowledgement (POST, then back to the page)."""
    ticket = ticket_for_token(token)
    if ticket is None:
        raise Http404
    if ticket.state == State.CLOSED:
        return _page(request, "notices/page_closed.html", {"ticket": ticket})
    if request.method == "POST":
        # Closed meanwhile: the page it goes back to says there is nothing to do.
        with contextlib.suppress(ValidationError):
            acknowledge(ticket, timezone.now())
        return HttpResponseRedirect(request.path)
    record_page_view(ticket, timezone.now())
    return _page(request, "notices/page.html", _context(ticket))
