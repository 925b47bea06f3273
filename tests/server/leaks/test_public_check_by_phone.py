"""The public check of a phone number: the result goes to the number by text message."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings

from cleannet.server.leaks.models import SmsOutboxMessage
from cleannet.server.leaks.sms import recipient_digest

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_it_texts_the_breaches_found_to_the_number(english, breaches) -> None:
    # An eleven-digit number from before 2018, now +84 32…: the telecom leak has it.
    response = english.post("/leaks/check/", {"identifier": "0162 345 6789"})

    assert response.status_code == 303
    [message] = SmsOutboxMessage.objects.all()
    assert message.recipient_digest == recipient_digest("+84323456789")
    assert message.recipient_hint == "+84*******89"
    assert message.text.startswith("CleanNet: your number appears in 1 leak: Telecom subscribers")


def test_it_texts_every_breach_holding_the_number(english, breaches) -> None:
    english.post("/leaks/check/", {"identifier": "+84 912 345 678"})

    text = SmsOutboxMessage.objects.get().text
    assert "2 leaks" in text
    assert "Demo Shop customers (05/2024)" in text and "Telecom subscribers" in text


def test_it_texts_nothing_found_for_an_unknown_number(english, breaches) -> None:
    english.post("/leaks/check/", {"identifier": "0977 000 111"})

    message = SmsOutboxMessage.objects.get()
    assert message.text == "CleanNet: your number was not found in the leaked data we hold."
    assert message.recipient_digest == recipient_digest("+84977000111")


def test_it_refuses_a_foreign_number(english, breaches) -> None:
    response = english.post("/leaks/check/", {"identifier": "+1 202 555 0100"})

    assert response.status_code == 400
    assert not SmsOutboxMessage.objects.exists()
