"""The walled-garden list the ISP's captive portal loads: which address goes to which page.

Only open tickets whose page notice was sent (``redirect_active``) and whose subscriber's
latest address is known are listed; an acknowledgement or the ticket's closing takes the
address off the list.
"""

from __future__ import annotations

from cleannet.server.notices.models import WarningTicket
from cleannet.server.notices.tickets import page_url

__all__ = ["active_redirects", "walled_garden_text"]


def active_redirects() -> list[tuple[str, str]]:
    """Return (address, page URL) for each active redirect, in address order.

    An address listed by two tickets (two families) goes to the most recently found one.
    """
    tickets = (
        WarningTicket.objects.filter(
            redirect_active=True, state=WarningTicket.State.OPEN, last_ip__isnull=False
        )
        .only("last_ip", "page_token", "last_found")
        .order_by("last_found", "id")
    )
    latest = {ticket.last_ip: page_url(ticket) for ticket in tickets.iterator(2000)}
    return sorted((str(ip), url) for ip, url in latest.items())


def walled_garden_text() -> str:
    """The list as plain text, one ``<address> <url>`` line each (empty when none)."""
    return "".join(f"{ip} {url}\n" for ip, url in active_redirects())
