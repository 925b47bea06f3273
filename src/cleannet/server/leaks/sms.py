"""Text messages to phone numbers, through the channel ``CLEANNET_LEAKS_SMS_BACKEND`` names.

A channel is a class with ``send(number, text)``; ``SMS_SENDERS`` maps the setting's value
to it. ``outbox`` keeps each message in the database (the demo and the tests read it),
``console`` writes it to the server log; neither stores or logs the number itself, only a
keyed digest and its last two digits. A real carrier (SMPP) is added here as one more entry.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings

from cleannet.server.leaks.models import SmsOutboxMessage
from cleannet.server.ops.ratelimits import limit_key

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The channel could not take the message."""


class SmsSender(Protocol):
    def send(self, number: str, text: str) -> None:
        """Send ``text`` to ``number`` (E.164, e.g. ``+84912345678``); raise ``SmsError``."""


def recipient_digest(number: str) -> str:
    """Return the keyed digest that names ``number`` in the outbox."""
    return limit_key("sms-recipient", number)


def recipient_hint(number: str) -> str:
    """Return ``number`` with all but its last two digits hidden (``+84*******78``)."""
    return number[:3] + "*" * max(len(number) - 5, 0) + number[-2:]


class OutboxSender:
    """Keeps the message in ``SmsOutboxMessage`` instead of sending it."""

    def send(self, number: str, text: str) -> None:
        SmsOutboxMessage.objects.create(
            recipient_digest=recipient_digest(number),
            recipient_hint=recipient_hint(number),
            text=text,
        )


class ConsoleSender:
    """Writes the message to the server log, the number masked."""

    def send(self, number: str, text: str) -> None:
        logger.info("SMS to %s: %s", recipient_hint(number), text)


SMS_SENDERS: dict[str, type[SmsSender]] = {
    "outbox": OutboxSender,
    "console": ConsoleSender,
}


def sms_sender() -> SmsSender:
    """Return the configured channel."""
    return SMS_SENDERS[settings.CLEANNET_LEAKS.sms_backend]()
