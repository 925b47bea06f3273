"""channel_for: each channel built from the current settings; SMS refused when switched off."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from cleannet.server.notices.channels import ChannelUnavailable, channel_for
from cleannet.server.notices.channels.email import EmailChannel
from cleannet.server.notices.channels.sms import SmsChannel


def test_it_builds_the_email_channel_from_the_relay_settings(settings: Any) -> None:
    settings.EMAIL_HOST, settings.EMAIL_PORT = "relay.isp.example", 587
    settings.EMAIL_HOST_USER, settings.EMAIL_USE_TLS = "cleannet", True
    settings.CLEANNET_NOTICES = dataclasses.replace(
        settings.CLEANNET_NOTICES, from_address="CleanNet <canh-bao@cleannet.example>"
    )
    channel = channel_for("email")
    assert isinstance(channel, EmailChannel)
    assert (channel.host, channel.port, channel.user, channel.starttls) == (
        "relay.isp.example",
        587,
        "cleannet",
        True,
    )
    assert channel.from_address == "CleanNet <canh-bao@cleannet.example>"


def test_it_builds_the_sms_channel_from_the_smpp_settings(settings: Any) -> None:
    smpp = dataclasses.replace(settings.CLEANNET_NOTICES.smpp, host="smsc.isp.example")
    settings.CLEANNET_NOTICES = dataclasses.replace(settings.CLEANNET_NOTICES, smpp=smpp)
    channel = channel_for("sms")
    assert isinstance(channel, SmsChannel)
    assert channel.settings.host == "smsc.isp.example"


def test_it_refuses_the_sms_channel_when_sms_is_switched_off(settings: Any) -> None:
    settings.CLEANNET_NOTICES = dataclasses.replace(settings.CLEANNET_NOTICES, sms_transport="none")
    with pytest.raises(ChannelUnavailable, match="CLEANNET_SMS_TRANSPORT=none"):
        channel_for("sms")


def test_it_refuses_a_channel_it_does_not_know() -> None:
    with pytest.raises(ValueError, match="no channel named 'fax'"):
        channel_for("fax")


def test_it_finds_the_page_channel() -> None:
    assert channel_for("page").name == "page"
