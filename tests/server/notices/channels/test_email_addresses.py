"""EmailChannel.normalise: one deliverable address, or InvalidRecipient with the reason."""

from __future__ import annotations

import pytest

from cleannet.server.notices.channels.base import InvalidRecipient

from .loopback import email_channel

CHANNEL = email_channel(25)


def test_it_keeps_the_local_part_and_lowers_the_domain() -> None:
    assert CHANNEL.normalise("  Nguyen.Van.A@ISP.Example ") == "Nguyen.Van.A@isp.example"


def test_it_takes_the_address_out_of_a_named_address() -> None:
    assert CHANNEL.normalise("Nguyễn Văn A <a@isp.example>") == "a@isp.example"


def test_it_writes_an_internationalised_domain_in_punycode() -> None:
    assert CHANNEL.normalise("lienhe@bưuđiện.vn") == "lienhe@xn--buin-1ua66gr30m.vn"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "empty"),
        ("a@isp.example\r\nBcc: victim@isp.example", "line break"),
        ("a@isp.example, b@isp.example", "one address"),
        ("a@isp.example b@isp.example", "2 @ signs"),
        ("Nguyễn Văn A", "no @"),
        ("no-at-sign.example", "no @"),
        ("a@@isp.example", "@ signs"),
        ("a..b@isp.example", "two dots"),
        ("a@localhost", "single label"),
        ("a@[192.0.2.1]", "address literal"),
        ("nguyễn@isp.example", "ASCII"),
        ("a@isp_example.vn", "domain"),
    ],
)
def test_it_refuses_what_is_not_one_deliverable_address(raw: str, reason: str) -> None:
    with pytest.raises(InvalidRecipient) as refused:
        CHANNEL.normalise(raw)
    assert reason in refused.value.reason
    assert refused.value.reason.endswith(".")
