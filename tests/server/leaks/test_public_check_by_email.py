"""The public check of an e-mail address: the result goes to the mailbox, never the screen.

Runs against a real SMTP server (aiosmtpd) on the loopback.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from cleannet.server.leaks.models import RateCounter

pytestmark = pytest.mark.django_db

CHECK = "/leaks/check/"


def _without_csrf_tokens(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


@pytest.fixture
def english(client) -> Client:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"  # assertions read English
    return client


def test_it_mails_the_breaches_found_to_the_address_itself(english, breaches, smtp_server) -> None:
    response = english.post(CHECK, {"identifier": "  Le.C@SHOP.example "})

    assert response.status_code == 303
    assert response["Location"] == "/leaks/check/sent/"
    [message] = smtp_server.messages
    assert smtp_server.envelopes[0][1] == ["Le.C@shop.example"]
    assert message["To"] == "Le.C@shop.example"
    assert message["Subject"] == "CleanNet: your address was found in leaked data"
    body = message.get_content()
    assert "Demo Shop customers (occurred 01/05/2024)" in body
    assert "Secret Dating" in body  # sensitive: named to the owner only
    assert "Telecom subscribers" not in body
    assert "http://testserver/leaks/" in body


def test_it_mails_nothing_found_when_the_address_is_in_no_breach(
    english, breaches, smtp_server
) -> None:
    english.post(CHECK, {"identifier": "nobody@shop.example"})

    [message] = smtp_server.messages
    assert message["Subject"] == "CleanNet: your address was not found in leaked data"
    assert "Demo Shop" not in message.get_content()


def test_it_shows_the_same_page_whether_or_not_the_address_leaked(
    english, breaches, smtp_server
) -> None:
    found = english.post(CHECK, {"identifier": "le.c@shop.example"}, follow=True)
    not_found = english.post(CHECK, {"identifier": "nobody@shop.example"}, follow=True)

    assert found.status_code == not_found.status_code == 200
    page = _without_csrf_tokens(found.content.decode())
    assert page == _without_csrf_tokens(not_found.content.decode())
    assert "we have sent the result to it" in page
    assert "le.c@shop.example" not in page.lower()
    assert "Demo Shop" not in page and "Secret Dating" not in page


def test_it_refuses_what_is_neither_an_address_nor_a_number(english, leak_dir, smtp_server) -> None:
    response = english.post(CHECK, {"identifier": "not an address"})

    assert response.status_code == 400
    assert "Enter an e-mail address or a Vietnamese phone number" in response.content.decode()
    assert smtp_server.messages == []
    assert not RateCounter.objects.exists()  # a typo does not use up the allowance


def test_it_says_when_the_relay_is_down_without_saying_what_was_found(
    english, breaches, settings
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    response = english.post(CHECK, {"identifier": "le.c@shop.example"})

    assert response.status_code == 503
    assert "could not send the message" in response.content.decode()
    assert "Demo Shop" not in response.content.decode()


def test_it_requires_the_csrf_token(breaches, smtp_server) -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(CHECK, {"identifier": "le.c@shop.example"}).status_code == 403

    page = strict.get(CHECK)
    token = page.cookies[django_settings.CSRF_COOKIE_NAME].value
    response = strict.post(CHECK, {"identifier": "le.c@shop.example", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert len(smtp_server.messages) == 1


def test_it_shows_the_form_to_anyone_in_vietnamese_by_default(client, leak_dir) -> None:
    response = client.get(CHECK)

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert 'name="identifier"' in response.content.decode()
