"""A real Pwned Passwords client from PyPI (pwned-passwords-django) pointed at this site."""

from __future__ import annotations

import httpx
import pytest
from pwned_passwords_django.api import PwnedPasswords

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pwned_client(live_server):
    # The library's endpoint is a class attribute; set it on the instance to use this site.
    with httpx.Client() as http:
        client = PwnedPasswords(client=http)
        client.api_endpoint = f"{live_server.url}/range/"
        client.request_timeout = httpx.Timeout(10.0)
        yield client


def test_it_counts_a_leaked_password_through_the_client(pwned_client, breaches) -> None:
    assert pwned_client.add_padding is True  # the library asks for padding by default
    assert pwned_client.check_password("123456") == 6
    assert pwned_client.check_password("mật khẩu") == 2


def test_it_finds_nothing_for_a_password_that_never_leaked(pwned_client, breaches) -> None:
    assert pwned_client.check_password("a long passphrase nobody leaked 9f2c") == 0
