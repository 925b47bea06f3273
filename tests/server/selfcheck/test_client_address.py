"""The visitor's address: REMOTE_ADDR, or X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import RequestFactory, override_settings

from cleannet.core.errors import InvalidValue
from cleannet.server.selfcheck.clientip import client_address, parse_address

PROXIES = ["10.0.0.0/8", "2001:db8:ff::/48"]


def _address(peer: str, forwarded: str | None = None, proxies: object = PROXIES) -> str | None:
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/check-ip/", REMOTE_ADDR=peer, **headers)
    with override_settings(CLEANNET_TRUSTED_PROXIES=proxies):
        address = client_address(request)
    return None if address is None else str(address)


def test_it_takes_the_peer_address_when_no_proxy_is_trusted() -> None:
    assert _address("192.0.2.7", "198.51.100.1", proxies=[]) == "192.0.2.7"


def test_it_ignores_the_header_from_a_peer_that_is_not_a_trusted_proxy() -> None:
    assert _address("192.0.2.7", "198.51.100.1") == "192.0.2.7"


def test_it_takes_the_forwarded_address_from_a_trusted_proxy() -> None:
    assert _address("10.1.2.3", "198.51.100.1") == "198.51.100.1"


def test_it_skips_a_chain_of_trusted_proxies_from_the_right() -> None:
    assert _address("10.1.2.3", "198.51.100.1, 10.9.9.9, 10.8.8.8") == "198.51.100.1"


def test_it_never_believes_what_the_visitor_wrote_left_of_its_own_address() -> None:
    assert _address("10.1.2.3", "203.0.113.66, 198.51.100.1") == "198.51.100.1"


def test_it_gives_no_address_when_a_trusted_hop_is_malformed() -> None:
    assert _address("10.1.2.3", "198.51.100.1, not-an-ip") is None


def test_it_ignores_garbage_left_of_the_first_untrusted_hop() -> None:
    assert _address("10.1.2.3", "garbage, 198.51.100.1") == "198.51.100.1"


def test_it_takes_the_proxy_itself_when_the_header_is_missing() -> None:
    assert _address("10.1.2.3") == "10.1.2.3"


def test_it_handles_ipv6_peers_and_hops_with_ports() -> None:
    assert _address("2001:db8:ff::1", "[2001:db8:a::5]:443") == "2001:db8:a::5"
    assert _address("2001:db8:ff::1", "192.0.2.9:5555") == "192.0.2.9"


def test_it_reads_an_ipv4_mapped_peer_as_ipv4() -> None:
    assert _address("::ffff:192.0.2.7", proxies=[]) == "192.0.2.7"


def test_it_accepts_the_setting_as_one_string_of_cidrs() -> None:
    assert _address("10.1.2.3", "198.51.100.1", proxies="10.0.0.0/8, 127.0.0.1/32") == (
        "198.51.100.1"
    )


def test_it_names_the_setting_when_a_proxy_is_not_a_cidr() -> None:
    with pytest.raises(InvalidValue, match="CLEANNET_TRUSTED_PROXIES"):
        _address("10.1.2.3", "198.51.100.1", proxies=["10.0.0.0/33"])


def test_it_parses_zone_ids_and_rejects_words() -> None:
    assert parse_address("fe80::1%eth0") == ipaddress.ip_address("fe80::1")
    assert parse_address("localhost") is None
