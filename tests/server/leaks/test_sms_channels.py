"""Phone results go through the SMS channel the setting names; no channel keeps the number."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from cleannet.server.leaks.models import SmsOutboxMessage
from cleannet.server.leaks.sms import (
    ConsoleSender,
    OutboxSender,
    recipient_digest,
    recipient_hint,
    sms_sender,
)

NUMBER = "+84912345678"


def test_it_masks_all_but_the_last_two_digits() -> None:
    assert recipient_hint(NUMBER) == "+84*******78"


@pytest.mark.django_db
def test_it_keeps_an_outbox_message_under_a_digest_of_the_number() -> None:
    OutboxSender().send(NUMBER, "CleanNet: your number was not found.")

    message = SmsOutboxMessage.objects.get()
    assert message.text == "CleanNet: your number was not found."
    assert message.recipient_digest == recipient_digest(NUMBER)
    assert message.recipient_hint == "+84*******78"
    assert "912345678" not in message.recipient_digest


def test_it_writes_console_messages_to_the_log_with_the_number_masked(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="cleannet.server.leaks.sms"):
        ConsoleSender().send(NUMBER, "hello")

    assert caplog.messages == ["SMS to +84*******78: hello"]


@pytest.mark.parametrize(
    ("backend", "kind"), [("outbox", OutboxSender), ("console", ConsoleSender)]
)
def test_it_picks_the_channel_the_setting_names(settings, backend, kind) -> None:
    settings.CLEANNET_LEAKS = dataclasses.replace(settings.CLEANNET_LEAKS, sms_backend=backend)
    assert isinstance(sms_sender(), kind)
