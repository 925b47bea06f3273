"""Rate limits of the public check: per client address per hour, per checked address per day."""

from __future__ import annotations

import dataclasses

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


@pytest.fixture
def limited(settings, leak_dir, one_window) -> None:
    settings.CLEANNET_LEAKS = dataclasses.replace(
        settings.CLEANNET_LEAKS, checks_per_ip_hour=2, checks_per_address_day=3
    )


def _check(client, identifier: str, ip: str) -> int:
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post("/leaks/check/", {"identifier": identifier}, REMOTE_ADDR=ip).status_code


def test_it_limits_the_checks_from_one_client_address(client, limited, smtp_server) -> None:
    statuses = [_check(client, f"user{i}@shop.example", "203.0.113.9") for i in range(3)]

    assert statuses == [303, 303, 429]
    assert len(smtp_server.messages) == 2
    assert _check(client, "user9@shop.example", "2001:db8::9") == 303  # another client


def test_it_limits_the_checks_of_one_address_from_any_client(client, limited, smtp_server) -> None:
    ips = ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"]
    statuses = [_check(client, "le.c@shop.example", ip) for ip in ips]

    assert statuses == [303, 303, 303, 429]
    assert len(smtp_server.messages) == 3  # the owner's mailbox is not flooded
    # The same mailbox however it is written.
    assert _check(client, "LE.C@Shop.Example", "203.0.113.5") == 429


def test_it_says_clearly_that_the_limit_is_reached(client, limited, smtp_server) -> None:
    for _ in range(2):
        _check(client, "le.c@shop.example", "203.0.113.9")
    response = client.post(
        "/leaks/check/", {"identifier": "le.c@shop.example"}, REMOTE_ADDR="203.0.113.9"
    )

    assert response.status_code == 429
    assert "Too many checks" in response.content.decode()
    assert "le.c@shop.example" not in response.content.decode()
