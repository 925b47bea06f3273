"""Autonomous System numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import MAX_ASN, asn_flags, normalise_asn, parse_asn


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("AS64512", 64512),
        ("as64512", 64512),
        ("64512", 64512),
        (" ASN 7552 ", 7552),
        ("AS 45899", 45899),
        ("1.10", 65546),
        ("AS1.10", 65546),
        ("0.64512", 64512),
        ("65535.65535", MAX_ASN),
        ("AS0", 0),
        ("AS4294967295", MAX_ASN),
        (18403, 18403),
    ],
)
def test_it_reads_every_common_asn_spelling(raw: str | int, number: int) -> None:
    assert parse_asn(raw) == number
    assert normalise_asn(raw) == f"AS{number}"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("AS4294967296", "outside the AS number range"),
        (-1, "outside the AS number range"),
        ("1.65536", "asdot half is above 65535"),
        ("65536.0", "asdot half is above 65535"),
        ("AS-1", "is not an AS number"),
        ("ASX", "is not an AS number"),
        ("", "is not an AS number"),
        ("AS 1.2.3", "is not an AS number"),
        ("Viettel", "is not an AS number"),
        (True, "is a boolean"),
    ],
)
def test_it_refuses_a_bad_asn_with_the_reason(raw: str | int, reason: str) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        parse_asn(raw)
    assert caught.value.field == "asn"
    assert repr(raw) in str(caught.value)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("asn", "flags"),
    [
        (7552, {"global"}),
        (0, {"reserved"}),
        (23456, {"reserved"}),
        (64495, {"global"}),
        (64496, {"documentation"}),
        (64511, {"documentation"}),
        (64512, {"private"}),
        (65534, {"private"}),
        (65535, {"reserved"}),
        (65536, {"documentation"}),
        (65551, {"documentation"}),
        (65552, {"reserved"}),
        (131071, {"reserved"}),
        (131072, {"global"}),
        (4199999999, {"global"}),
        (4200000000, {"private"}),
        (4294967294, {"private"}),
        (4294967295, {"reserved"}),
        ("AS64512", {"private"}),
    ],
)
def test_it_flags_special_purpose_asns(asn: int | str, flags: set[str]) -> None:
    assert asn_flags(asn) == flags


@given(st.integers(min_value=0, max_value=MAX_ASN))
def test_it_round_trips_every_asn_through_asplain_and_asdot(number: int) -> None:
    assert parse_asn(normalise_asn(number)) == number
    assert parse_asn(f"{number >> 16}.{number & 0xFFFF}") == number
