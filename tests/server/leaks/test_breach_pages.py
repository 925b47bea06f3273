"""The public list of breaches: non-sensitive ones only, in Vietnamese or English."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_it_lists_the_breaches_that_are_not_sensitive(client, breaches) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get("/leaks/").content.decode()

    assert "Demo Shop customers" in page and "Telecom subscribers" in page
    assert "Secret Dating" not in page and "dating" not in page
    assert "Demo Bank" in page  # the breached organisation
    assert "01/05/2024" in page
    assert "Names, E-mail addresses, Phone numbers, Passwords" in page


def test_it_opens_in_vietnamese_for_anyone(client, leak_dir) -> None:
    response = client.get("/leaks/")

    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_it_refuses_to_change_the_list(client, leak_dir) -> None:
    assert client.post("/leaks/").status_code == 405
