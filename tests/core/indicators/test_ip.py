"""IPv4, IPv6 and CIDR normalisation and address flags."""

from ipaddress import IPv4Address, IPv6Address

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import (
    ip_flags,
    ipv4_mapped,
    is_public,
    normalise_cidr,
    normalise_ip,
    normalise_ipv4,
    normalise_ipv6,
    parse_ip,
    parse_ipv4_loose,
)


def test_it_keeps_a_plain_ipv4_address() -> None:
    assert normalise_ipv4("192.0.2.1") == "192.0.2.1"


def test_it_accepts_surrounding_whitespace_from_a_spreadsheet_cell() -> None:
    assert normalise_ipv4(" \t203.0.113.7 \r\n") == "203.0.113.7"


def test_it_refuses_an_ipv4_with_a_leading_zero() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_ipv4("010.1.1.1")
    assert "'010.1.1.1'" in str(caught.value)
    assert "leading zero" in str(caught.value)
    assert "octal" in caught.value.reason


def test_it_accepts_a_single_zero_octet() -> None:
    assert normalise_ipv4("10.0.0.0") == "10.0.0.0"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("10.0 .0.1", "whitespace"),
        ("10.0.0", "has 3 dot-separated parts"),
        ("10.0.0.1.5", "has 5 dot-separated parts"),
        ("10.0.0.256", "'256' is above 255"),
        ("10.0.0.-1", "'-1' is not a decimal number"),
        ("10.0.0.", "'' is not a decimal number"),
        ("10.0.0.0x1", "'0x1' is not a decimal number"),
        ("1.2.3.٤", "'٤' is not a decimal number"),
        ("", "has 1 dot-separated parts"),
    ],
)
def test_it_refuses_a_malformed_ipv4_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_ipv4(raw)
    assert caught.value.field == "ipv4"
    assert repr(raw) in str(caught.value)
    assert reason in str(caught.value)


def test_it_writes_ipv6_compressed_and_lower_case() -> None:
    assert normalise_ipv6("2001:0DB8:0000:0000:0000:0000:0000:0001") == "2001:db8::1"


def test_it_accepts_an_ipv6_in_url_brackets() -> None:
    assert normalise_ipv6(" [2001:db8::1] ") == "2001:db8::1"


def test_it_keeps_an_ipv4_mapped_address_as_ipv6_with_a_dotted_tail() -> None:
    assert normalise_ipv6("::FFFF:1.2.3.4") == "::ffff:1.2.3.4"
    assert normalise_ipv6("::ffff:0102:0304") == "::ffff:1.2.3.4"


def test_it_exposes_the_ipv4_inside_a_mapped_address() -> None:
    assert ipv4_mapped("::ffff:198.51.100.9") == "198.51.100.9"
    assert ipv4_mapped(IPv6Address("::ffff:198.51.100.9")) == "198.51.100.9"
    assert ipv4_mapped("2001:db8::1") is None


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("fe80::1%eth0", "zone index"),
        ("2001:db8:: 1", "whitespace"),
        ("1:2:3:4:5:6:7:8:9", "Exactly 8 parts"),
        ("2001:db8::g", "'g'"),
        ("::ffff:010.1.1.1", "leading zero"),
    ],
)
def test_it_refuses_a_malformed_ipv6_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_ipv6(raw)
    assert caught.value.field == "ipv6"
    assert repr(raw) in str(caught.value)
    assert reason in str(caught.value)


def test_it_picks_the_family_by_the_colon() -> None:
    assert normalise_ip("192.0.2.1") == "192.0.2.1"
    assert normalise_ip("2001:DB8::1") == "2001:db8::1"
    assert parse_ip(" 192.0.2.1 ") == IPv4Address("192.0.2.1")


def test_it_keeps_a_cidr_with_no_host_bits() -> None:
    assert normalise_cidr("10.0.0.0/8") == "10.0.0.0/8"
    assert normalise_cidr("2001:DB8::/32") == "2001:db8::/32"
    assert normalise_cidr("192.0.2.7/32") == "192.0.2.7/32"


def test_it_refuses_a_cidr_with_host_bits_and_names_the_network() -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_cidr("10.0.0.1/8")
    assert "'10.0.0.1/8'" in str(caught.value)
    assert "host bits set; the network is 10.0.0.0/8" in str(caught.value)


def test_it_masks_host_bits_when_not_strict() -> None:
    assert normalise_cidr("10.0.0.1/8", strict=False) == "10.0.0.0/8"
    assert normalise_cidr("2001:db8::1/32", strict=False) == "2001:db8::/32"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("10.0.0.0", "no '/prefix-length'"),
        ("10.0.0.0/33", "prefix length 33 is above 32"),
        ("2001:db8::/129", "prefix length 129 is above 128"),
        ("10.0.0.0/x", "'x' is not a decimal number"),
        ("10.0.0.0/", "'' is not a decimal number"),
        ("010.0.0.0/8", "leading zero"),
        ("10.0.0.0 /8", "whitespace"),
    ],
)
def test_it_refuses_a_malformed_cidr_with_the_reason(raw: str, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        normalise_cidr(raw)
    assert caught.value.field == "cidr"
    assert repr(raw) in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("address", "flags"),
    [
        ("8.8.8.8", {"global"}),
        ("10.1.2.3", {"private"}),
        ("172.31.255.255", {"private"}),
        ("172.32.0.1", {"global"}),
        ("192.168.1.1", {"private"}),
        ("127.0.0.1", {"loopback"}),
        ("169.254.169.254", {"link_local"}),
        ("224.0.0.251", {"multicast"}),
        ("240.0.0.1", {"reserved"}),
        ("255.255.255.255", {"reserved"}),
        ("0.0.0.0", {"unspecified", "reserved"}),
        ("192.0.2.10", {"documentation"}),
        ("198.51.100.10", {"documentation"}),
        ("203.0.113.10", {"documentation"}),
        ("100.64.0.1", {"shared"}),
        ("100.127.255.255", {"shared"}),
        ("100.128.0.1", {"global"}),
        ("198.18.0.1", {"benchmarking"}),
        ("198.19.255.255", {"benchmarking"}),
        ("2001:4860:4860::8888", {"global"}),
        ("::1", {"loopback"}),
        ("::", {"unspecified"}),
        ("fe80::1", {"link_local"}),
        ("fd12:3456::1", {"private"}),
        ("ff02::1", {"multicast"}),
        ("2001:db8::1", {"documentation"}),
        ("3fff::1", {"documentation"}),
        ("2001:2::1", {"benchmarking"}),
        ("100::1", {"reserved"}),
        ("fec0::1", {"reserved"}),
        ("::ffff:10.0.0.1", {"private"}),
        ("::ffff:8.8.8.8", {"global"}),
    ],
)
def test_it_flags_special_purpose_addresses(address: str, flags: set[str]) -> None:
    assert ip_flags(address) == flags


def test_it_calls_only_global_addresses_public() -> None:
    assert is_public("8.8.8.8")
    assert is_public(IPv6Address("2001:4860:4860::8888"))
    assert not is_public("100.64.0.1")
    assert not is_public("192.0.2.1")


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("3279880203", "195.127.0.11"),
        ("0x12.0x43.0x44.0x01", "18.67.68.1"),
        ("012.034.01.055", "10.28.1.45"),
        ("276.2.3", "20.2.0.3"),
        ("12.0x12.01234", "12.18.2.156"),
        ("167838211", "10.1.2.3"),
        ("4294967295", "255.255.255.255"),
        ("255.0.0.1", "255.0.0.1"),
        ("0X7F.1", "127.0.0.1"),
    ],
)
def test_it_reads_ipv4_in_every_legacy_form(host: str, address: str) -> None:
    assert parse_ipv4_loose(host) == IPv4Address(address)


@pytest.mark.parametrize(
    "host", ["123.123.0.0.1", "1.2.3.00x0", "4294967296", "08.1.1.1", "1..2", "0x", "a.b", ""]
)
def test_it_does_not_read_an_ipv4_where_there_is_none(host: str) -> None:
    assert parse_ipv4_loose(host) is None


@given(st.ip_addresses(v=4))
def test_it_round_trips_every_ipv4(address: IPv4Address) -> None:
    assert normalise_ipv4(str(address)) == str(address)
    assert parse_ipv4_loose(str(int(address))) == address


@given(st.ip_addresses(v=6))
def test_it_round_trips_every_ipv6(address: IPv6Address) -> None:
    text = normalise_ipv6(address.exploded.upper())
    assert IPv6Address(text) == address
    assert normalise_ipv6(text) == text
