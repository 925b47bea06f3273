"""Channels of notices: e-mail (SMTP), SMS (SMPP 3.4) and the walled-garden page.

Each keeps the interface of ``base``; ``channel_for(name)`` builds one from the settings.
``smpp_sink.SmppSink`` is a loopback SMS centre for tests and the demo.
"""

from cleannet.server.notices.channels.base import (
    Attachment,
    ChannelAdapter,
    ChannelUnavailable,
    DeliveryFailure,
    InvalidRecipient,
    OutgoingMessage,
    PermanentFailure,
    Sender,
    TemporaryFailure,
)
from cleannet.server.notices.channels.registry import CHANNELS, channel_for

__all__ = [
    "CHANNELS",
    "Attachment",
    "ChannelAdapter",
    "ChannelUnavailable",
    "DeliveryFailure",
    "InvalidRecipient",
    "OutgoingMessage",
    "PermanentFailure",
    "Sender",
    "TemporaryFailure",
    "channel_for",
]
