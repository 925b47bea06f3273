"""The scope decides before any packet: networks, opt-outs, expiry, names and their addresses."""

from __future__ import annotations

from datetime import date

import pytest

from cleannet.engines.exposure import (
    OutOfScope,
    ScopeError,
    check_address,
    check_hostname,
    load_scope,
    load_scope_toml,
)

from .servers import TODAY, loopback_scope

TOML = """
[scope]
name = "VNNIC test range"
networks = ["192.0.2.0/24", "2001:db8::/48"]
hostnames = ["*.example.vn", "example.vn"]
owner = "Example ISP"
approved_by = "VNCERT duty officer"
approved_until = 2026-12-31
rate_per_second = 50
opt_out_networks = ["192.0.2.128/25"]
opt_out_hostnames = ["private.example.vn"]
"""


def test_it_loads_a_scope_from_toml() -> None:
    scope = load_scope_toml(TOML)
    assert scope.name == "VNNIC test range"
    assert [str(n) for n in scope.networks] == ["192.0.2.0/24", "2001:db8::/48"]
    assert scope.approved_until == date(2026, 12, 31)
    assert scope.rate_per_second == 50.0


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", ""),
        ("networks", ["not-a-network"]),
        ("networks", ["192.0.2.1/24"]),
        ("approved_until", "next year"),
        ("rate_per_second", 0),
        ("owner", None),
        ("hostnames", "example.vn"),
    ],
)
def test_it_names_the_field_it_refuses(field: str, value: object) -> None:
    with pytest.raises(ScopeError) as refused:
        loopback_scope(**{field: value})
    assert refused.value.field == field


def test_it_refuses_a_network_wider_than_a_slash_16_unless_told() -> None:
    with pytest.raises(ScopeError, match="wider than /16"):
        loopback_scope(networks=["10.0.0.0/8"])
    assert loopback_scope(networks=["10.0.0.0/8"], allow_wide=True).allow_wide


def test_it_allows_an_address_inside_the_networks() -> None:
    assert check_address(load_scope_toml(TOML), "192.0.2.7", TODAY) == "192.0.2.7"


@pytest.mark.parametrize(
    ("ip", "reason"),
    [
        ("198.51.100.1", "outside the networks"),
        ("192.0.2.200", "opted out"),
        ("2001:db9::1", "outside the networks"),
        ("not-an-ip", "not an IP address"),
    ],
)
def test_it_refuses_an_address_out_of_scope(ip: str, reason: str) -> None:
    with pytest.raises(OutOfScope, match=reason):
        check_address(load_scope_toml(TOML), ip, TODAY)


def test_it_refuses_everything_once_the_authority_expired() -> None:
    with pytest.raises(OutOfScope, match="expired on 2026-12-31"):
        check_address(load_scope_toml(TOML), "192.0.2.7", date(2027, 1, 1))


def test_it_allows_a_listed_name_whose_addresses_are_all_inside() -> None:
    addresses = check_hostname(
        load_scope_toml(TOML), "www.example.vn.", TODAY, lambda _: ["192.0.2.9", "192.0.2.9"]
    )
    assert addresses == ["192.0.2.9"]


@pytest.mark.parametrize(
    ("name", "resolved", "reason"),
    [
        ("www.other.vn", ["192.0.2.9"], "not a name of scope"),
        ("private.example.vn", ["192.0.2.9"], "opted out"),
        ("www.example.vn", [], "does not resolve"),
        ("www.example.vn", ["192.0.2.9", "203.0.113.5"], "resolves to 203.0.113.5"),
    ],
)
def test_it_refuses_a_name_out_of_scope(name: str, resolved: list[str], reason: str) -> None:
    with pytest.raises(OutOfScope, match=reason):
        check_hostname(load_scope_toml(TOML), name, TODAY, lambda _: resolved)


def test_it_refuses_a_scope_file_that_is_not_toml() -> None:
    with pytest.raises(ScopeError) as refused:
        load_scope_toml("[scope\nname=")
    assert refused.value.field == "toml"


def test_it_loads_a_scope_from_a_mapping_with_a_date() -> None:
    scope = load_scope(
        {
            "name": "x",
            "networks": ["127.0.0.0/16"],
            "owner": "o",
            "approved_by": "a",
            "approved_until": date(2026, 1, 1),
        }
    )
    assert scope.approved_until == date(2026, 1, 1)
