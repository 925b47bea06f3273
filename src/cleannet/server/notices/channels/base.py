"""The interface every channel keeps: a message to send, the failures a send may end in.

A channel (``ChannelAdapter``) checks and normalises recipients and opens a ``Sender``, one
connection reused for many messages. ``Sender.send`` either returns the provider's id for the
message or raises one of::

    DeliveryFailure             base; .reason (English, short), .permanent
    ├── TemporaryFailure        retry later with backoff (relay down, throttled, 4xx)
    └── PermanentFailure        give up and record the reason (mailbox unknown, 5xx)

``InvalidRecipient`` is raised by ``normalise`` before anything is queued. A failure of the
connection itself (relay down, login refused) is always temporary: it is the site's problem,
not the recipient's, and must never count against a recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Protocol

from cleannet.core.errors import CleanNetError

__all__ = [
    "Attachment",
    "ChannelAdapter",
    "ChannelUnavailable",
    "DeliveryFailure",
    "InvalidRecipient",
    "OutgoingMessage",
    "PermanentFailure",
    "Sender",
    "TemporaryFailure",
]


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (an owner report's export)."""

    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    """One rendered message to one (normalised) recipient, as the outbox hands it to a channel.

    ``message_id`` is the whole Message-ID with its angle brackets (``<key@domain>``).
    """

    key: str
    message_id: str
    channel: str
    recipient: str
    subject: str
    body: str
    language: str
    ticket_ref: str
    attachment: Attachment | None = None


class InvalidRecipient(CleanNetError):
    """The channel cannot send to this recipient; ``reason`` says why in one sentence."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class ChannelUnavailable(CleanNetError, ValueError):
    """No such channel, or the channel is switched off by the settings."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class DeliveryFailure(Exception):
    """A message was not sent; ``reason`` is short English text kept as the last error."""

    permanent: ClassVar[bool] = False

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TemporaryFailure(DeliveryFailure):
    """Try again later: the relay or SMS centre is down, busy or said 4xx / throttled."""

    permanent: ClassVar[bool] = False


class PermanentFailure(DeliveryFailure):
    """Do not try again: the relay or SMS centre refused this message or recipient for good."""

    permanent: ClassVar[bool] = True


class Sender(Protocol):
    """An open connection to a relay or SMS centre, reused for many messages."""

    def send(self, message: OutgoingMessage) -> str:
        """Send ``message``; return the provider's id for it or ``""``.

        Raises ``TemporaryFailure`` or ``PermanentFailure``.
        """
        ...

    def close(self) -> None:
        """End the session; never raises."""
        ...


class ChannelAdapter(Protocol):
    """One way of reaching a recipient: e-mail, SMS or the walled-garden page."""

    name: str

    def normalise(self, recipient: str) -> str:
        """Return the recipient in the one form the channel sends to and keys are made from.

        Raises ``InvalidRecipient`` with the reason.
        """
        ...

    def open(self) -> Sender:
        """Open a session; raises ``TemporaryFailure`` when the relay cannot be reached."""
        ...
