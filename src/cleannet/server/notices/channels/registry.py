"""The one lookup table of channels: a name in, an adapter built from the settings out.

Adding a channel is one module with a class keeping ``ChannelAdapter`` and one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from cleannet.server.notices.channels.base import ChannelAdapter, ChannelUnavailable
from cleannet.server.notices.channels.email import EmailChannel
from cleannet.server.notices.channels.sms import SmsChannel

__all__ = ["CHANNELS", "channel_for"]


def _sms() -> ChannelAdapter:
    from django.conf import settings

    if settings.CLEANNET_NOTICES.sms_transport == "none":
        raise ChannelUnavailable("SMS is switched off (CLEANNET_SMS_TRANSPORT=none).")
    return SmsChannel.from_settings()


def _page() -> ChannelAdapter:
    # Imported here: the page channel depends on the tickets, which depend on the outbox.
    from cleannet.server.notices.channels.page import PageChannel

    return PageChannel()


CHANNELS: dict[str, Callable[[], ChannelAdapter]] = {
    "email": EmailChannel.from_settings,
    "sms": _sms,
    "page": _page,
}


def channel_for(name: str) -> ChannelAdapter:
    """Return the adapter of channel ``name``, built from the current settings.

    Raises ``ChannelUnavailable`` (a ``ValueError``) for an unknown name or a channel the
    settings switch off (SMS with ``CLEANNET_SMS_TRANSPORT=none``).
    """
    factory = CHANNELS.get(name)
    if factory is None:
        raise ChannelUnavailable(f"There is no channel named {name!r}.")
    return factory()
