"""SmsChannel.normalise: Vietnamese mobile numbers as +84 E.164, reasons for the rest."""

from __future__ import annotations

import pytest

from cleannet.server.notices.channels.base import InvalidRecipient

from .loopback import sms_channel

CHANNEL = sms_channel(2775)


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("0912 345 678", "+84912345678"),
        ("+84 (0) 912-345-678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("01662345678", "+84362345678"),  # Viettel 0166 moved to 036 in 2018
        ("０９１２３４５６７８", "+84912345678"),
    ],
)
def test_it_writes_a_mobile_number_in_e164(raw: str, number: str) -> None:
    assert CHANNEL.normalise(raw) == number


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("024 3825 1234", "landline"),
        ("+1 202 555 0100", "not a Vietnamese number"),
        ("1900 1234", "service number"),
        ("0912 345 67", "digits"),
        ("0912-ABC-678", "not part of a phone number"),
        ("", "no digits"),
    ],
)
def test_it_refuses_what_cannot_receive_an_sms(raw: str, reason: str) -> None:
    with pytest.raises(InvalidRecipient) as refused:
        CHANNEL.normalise(raw)
    assert reason in refused.value.reason
    assert refused.value.reason.startswith("The number ")
