"""The walled-garden page as a channel: "sending" a page notice turns the ticket's redirect on.

The recipient is the ticket number. The ISP's captive portal reads the active redirects
(``notices.redirects.active_redirects``) and sends the subscriber's web traffic to the page
until the subscriber acknowledges it or the ticket closes. A ticket acknowledged or closed
before the worker got to its page message is left alone: the message is still sent (there
is nothing to retry), but no redirect comes back.
"""

from __future__ import annotations

from cleannet.server.notices.channels.base import (
    InvalidRecipient,
    OutgoingMessage,
    PermanentFailure,
    Sender,
)
from cleannet.server.notices.models import WarningTicket

__all__ = ["PageChannel", "PageSender"]


def _number(recipient: str) -> str:
    return recipient.strip().upper()


class PageSender:
    """Activates redirects; no connection to open or close."""

    def send(self, message: OutgoingMessage) -> str:
        """Turn on the redirect of the message's ticket if it is still open; return "".

        Raises ``PermanentFailure`` when the ticket no longer exists.
        """
        tickets = WarningTicket.objects.filter(number=_number(message.recipient))
        if not tickets.exists():
            raise PermanentFailure(f"no warning ticket {message.recipient}")
        tickets.filter(state=WarningTicket.State.OPEN).update(redirect_active=True)
        return ""

    def close(self) -> None:
        return None


class PageChannel:
    """``normalise`` checks the ticket exists; ``open`` returns a ``PageSender``."""

    name = "page"

    def normalise(self, recipient: str) -> str:
        """Return the ticket number upper-cased; ``InvalidRecipient`` for an unknown ticket."""
        number = _number(recipient)
        if not number or not WarningTicket.objects.filter(number=number).exists():
            raise InvalidRecipient(f"no warning ticket {number or '(empty)'}")
        return number

    def open(self) -> Sender:
        return PageSender()
