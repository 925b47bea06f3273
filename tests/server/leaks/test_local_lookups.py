"""Look-ups an operator runs on the server itself (``cleannet leaks check``): a password's
count, the breaches holding an address; the same stores the public answers read."""

from __future__ import annotations

import pytest

from cleannet.server.leaks import services

pytestmark = pytest.mark.django_db


def test_it_counts_a_password_over_every_breach(breaches) -> None:
    assert services.password_count("123456") == 6
    assert services.password_count("mật khẩu") == 2
    assert services.password_count("never leaked anywhere 42") == 0


def test_it_names_the_breaches_holding_an_address_however_it_is_written(breaches) -> None:
    identifier = services.parse_identifier("  LE.C@Shop.Example ")

    assert identifier.kind == "email"
    assert services.breaches_holding(identifier.kind, identifier.digest) == ["dating", "shop"]


def test_it_names_the_breaches_holding_an_old_eleven_digit_number(breaches) -> None:
    identifier = services.parse_identifier("0162 345 6789")

    assert identifier.address == "+84323456789"
    assert services.breaches_holding("phone", identifier.digest) == ["telecom"]


def test_it_finds_nothing_before_any_import(leak_dir) -> None:
    assert services.password_count("123456") == 0
    assert services.breaches_holding("email", b"\0" * 20) == []
