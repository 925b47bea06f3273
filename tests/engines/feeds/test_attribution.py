import datetime as dt
import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.engines.feeds.attribution import (
    PrefixEntry,
    PrefixIndex,
    int_to_ip,
    ip_to_int,
    range_to_cidrs,
)

DAY = dt.date(2026, 3, 1)
HANDOVER = dt.date(2025, 7, 1)


def v4(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


@pytest.fixture
def index() -> PrefixIndex:
    """An ISP's /16 with a bank's /24 inside; a /25 that changed hands; IPv6; a host route."""
    return PrefixIndex(
        [
            PrefixEntry("198.51.0.0/16", 64500, "song-hong-net"),
            PrefixEntry("198.51.100.0/24", 64500, "demo-bank", dt.date(2021, 1, 1)),
            PrefixEntry("203.0.113.128/25", 64500, "song-hong-net", None, HANDOVER),
            PrefixEntry("203.0.113.128/25", 64501, "phuong-nam-net", HANDOVER),
            PrefixEntry("203.0.113.9/32", None, "demo-bank", dt.date(2022, 1, 1)),
            PrefixEntry("2001:db8::/32", 64500, "song-hong-net"),
            PrefixEntry("2001:db8:a::/48", 64501, "phuong-nam-net", None, dt.date(2027, 1, 1)),
        ]
    )


def owner(index: PrefixIndex, ip: str, day: dt.date = DAY) -> str | None:
    hit = index.lookup(ip, None, day)
    return hit.owner if hit else None


def test_it_answers_the_holding_that_contains_the_address(index) -> None:
    hit = index.lookup("198.51.7.7", None, DAY)
    assert hit is not None
    assert (hit.prefix, hit.asn, hit.owner, hit.family) == (
        "198.51.0.0/16",
        64500,
        "song-hong-net",
        4,
    )


def test_it_answers_nothing_for_an_address_outside_every_prefix(index) -> None:
    assert index.lookup("192.0.2.1", None, DAY) is None
    assert index.lookup("2001:db9::1", None, DAY) is None


def test_it_prefers_the_longest_prefix_when_prefixes_are_nested(index) -> None:
    assert owner(index, "198.51.100.77") == "demo-bank"
    assert owner(index, "198.51.101.77") == "song-hong-net"
    assert owner(index, "2001:db8:a:1::1") == "phuong-nam-net"
    assert owner(index, "2001:db8:b::1") == "song-hong-net"


def test_it_answers_the_first_and_last_address_of_a_prefix_and_not_its_neighbours(index) -> None:
    assert owner(index, "198.51.100.0") == "demo-bank"
    assert owner(index, "198.51.100.255") == "demo-bank"
    assert owner(index, "198.51.99.255") == "song-hong-net"
    assert owner(index, "198.51.101.0") == "song-hong-net"
    assert owner(index, "198.50.255.255") is None
    assert owner(index, "198.52.0.0") is None
    assert owner(index, "203.0.113.9") == "demo-bank"
    assert owner(index, "203.0.113.8") is None
    assert owner(index, "203.0.113.10") is None


def test_it_answers_the_new_holder_from_the_day_a_prefix_changes_hands(index) -> None:
    day_before = HANDOVER - dt.timedelta(days=1)
    assert owner(index, "203.0.113.200", day_before) == "song-hong-net"
    assert owner(index, "203.0.113.200", HANDOVER) == "phuong-nam-net"
    assert index.lookup("203.0.113.200", None, HANDOVER).asn == 64501


def test_it_answers_nothing_before_a_holding_starts(index) -> None:
    assert owner(index, "203.0.113.9", dt.date(2021, 12, 31)) is None
    assert owner(index, "203.0.113.9", dt.date(2022, 1, 1)) == "demo-bank"


def test_it_falls_back_to_the_covering_prefix_when_the_nested_one_has_expired(index) -> None:
    assert owner(index, "2001:db8:a::1", dt.date(2026, 12, 31)) == "phuong-nam-net"
    assert owner(index, "2001:db8:a::1", dt.date(2027, 1, 1)) == "song-hong-net"
    assert owner(index, "198.51.100.1", dt.date(2020, 12, 31)) == "song-hong-net"


def test_it_looks_up_an_ipv4_mapped_address_as_its_ipv4_address(index) -> None:
    assert owner(index, "::ffff:198.51.100.7") == "demo-bank"
    mapped = int(ipaddress.IPv6Address("::ffff:198.51.100.7"))
    assert index.lookup(mapped, 6, DAY).owner == "demo-bank"
    assert index.lookup_ints([mapped], 6, DAY)[0].owner == "demo-bank"


def test_it_never_matches_a_prefix_of_the_other_family(index) -> None:
    # ::c633:6407 has the same low 32 bits as 198.51.100.7.
    assert index.lookup("::c633:6407", None, DAY) is None
    assert index.lookup(v4("32.1.13.184"), 4, DAY) is None  # 2001:db8 as an IPv4 number


def test_it_accepts_integer_addresses_with_their_family(index) -> None:
    assert index.lookup(v4("198.51.100.7"), 4, DAY).owner == "demo-bank"
    value = int(ipaddress.IPv6Address("2001:db8:a::1"))
    assert index.lookup(value, 6, DAY).owner == "phuong-nam-net"


@pytest.mark.parametrize(
    ("ip", "family"),
    [
        ("198.51.100", None),
        ("198.51.100.256", None),
        ("010.0.0.1", None),
        ("fe80::1%eth0", None),
        ("", None),
        ("not an address", None),
        ("198.51.100.7", 6),
        ("2001:db8::1", 4),
        (2**32, 4),
        (-1, 4),
        (2**128, 6),
        (True, 4),
        (1.5, 4),
        (1, 5),
        (1, None),
    ],
)
def test_it_refuses_what_is_not_an_address_of_the_family(index, ip, family) -> None:
    with pytest.raises(InvalidIndicator):
        index.lookup(ip, family, DAY)


def test_it_refuses_a_bad_address_in_a_batch(index) -> None:
    with pytest.raises(InvalidIndicator, match="999"):
        index.lookup_many(["198.51.100.7", "198.51.100.999"], DAY)
    with pytest.raises(InvalidIndicator):
        index.lookup_ints([1, 2**32], 4, DAY)


def test_it_refuses_a_time_where_a_day_is_expected(index) -> None:
    with pytest.raises(InvalidValue, match="day"):
        index.lookup("198.51.100.7", None, dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))


def test_it_refuses_a_day_before_the_days_it_covers() -> None:
    index = PrefixIndex([PrefixEntry("192.0.2.0/24", 64500, "x")], covers_from=DAY)
    assert index.lookup("192.0.2.1", None, DAY).owner == "x"
    with pytest.raises(InvalidValue, match="first day indexed"):
        index.lookup("192.0.2.1", None, DAY - dt.timedelta(days=1))


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        (PrefixEntry("192.0.2.1/24", 1, "x"), "cidr"),
        (PrefixEntry("192.0.2.0/33", 1, "x"), "cidr"),
        (PrefixEntry("192.0.2.0/24", 2**32, "x"), "asn"),
        (PrefixEntry("192.0.2.0/24", 1, "x", DAY, DAY), "valid_until"),
        (PrefixEntry("192.0.2.0/24", 1, "x", "2026-03-01"), "valid_from"),  # type: ignore[arg-type]
        (PrefixEntry((5, 4, 4), 1, "x"), "network"),
        (PrefixEntry((0, 2**32, 4), 1, "x"), "network"),
    ],
)
def test_it_refuses_a_malformed_entry_naming_the_field(entry, field) -> None:
    with pytest.raises(InvalidValue) as caught:
        PrefixIndex([entry])
    assert caught.value.field == field


def test_lookup_many_answers_like_lookup_for_each_address(index) -> None:
    ips = ["198.51.100.7", "2001:db8:a::1", "::ffff:198.51.0.1", "192.0.2.1", " 198.51.0.9 "]
    assert index.lookup_many(ips, DAY) == [index.lookup(ip, None, DAY) for ip in ips]


def test_lookup_ints_answers_like_lookup_for_each_address(index) -> None:
    values = [v4("198.51.100.7"), v4("198.51.0.1"), 0, 2**32 - 1]
    assert index.lookup_ints(values, 4, DAY) == [index.lookup(v, 4, DAY) for v in values]
    assert index.lookup_ints(iter([]), 4, DAY) == []


def test_it_returns_the_same_hit_for_every_address_of_a_holding(index) -> None:
    assert index.lookup("198.51.100.1", None, DAY) is index.lookup("198.51.100.254", None, DAY)


def test_it_matches_an_address_range_that_is_not_one_cidr() -> None:
    first, last = v4("192.0.2.10"), v4("192.0.2.99")
    index = PrefixIndex([((first, last, 4), None, "range-holder", None, None)])
    assert index.lookup(first, 4, DAY).prefix == "192.0.2.10-192.0.2.99"
    assert index.lookup(last, 4, DAY) is not None
    assert index.lookup(first - 1, 4, DAY) is None
    assert index.lookup(last + 1, 4, DAY) is None


def test_the_later_of_two_equal_blocks_held_the_same_day_wins() -> None:
    index = PrefixIndex(
        [PrefixEntry("192.0.2.0/24", 1, "first"), ("192.0.2.0/24", 2, "second", None, None)]
    )
    assert owner(index, "192.0.2.1") == "second"


def test_prefixes_at_the_ends_of_the_address_space_answer_their_edges() -> None:
    index = PrefixIndex(
        [
            PrefixEntry("0.0.0.0/0", None, "everything"),
            PrefixEntry("255.255.255.255/32", None, "last"),
            PrefixEntry("0.0.0.0/32", None, "first"),
            PrefixEntry("::/0", None, "everything-v6"),
            PrefixEntry("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", None, "last-v6"),
        ]
    )
    assert owner(index, "255.255.255.255") == "last"
    assert owner(index, "255.255.255.254") == "everything"
    assert owner(index, "0.0.0.0") == "first"
    assert owner(index, "0.0.0.1") == "everything"
    assert owner(index, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") == "last-v6"
    assert owner(index, "::1") == "everything-v6"


def test_it_keeps_answering_right_when_it_forgets_old_epochs() -> None:
    days = [dt.date(2026, 1, d) for d in range(1, 6)]
    entries = [
        PrefixEntry("192.0.2.0/24", None, f"holder-{d.day}", d, d + dt.timedelta(days=1))
        for d in days
    ]
    index = PrefixIndex(entries, max_epochs=1)
    for _ in range(2):
        for day in days:
            assert owner(index, "192.0.2.1", day) == f"holder-{day.day}"


def test_it_lists_the_days_on_which_holdings_change(index) -> None:
    assert index.boundaries == (
        dt.date(2021, 1, 1),
        dt.date(2022, 1, 1),
        HANDOVER,
        dt.date(2027, 1, 1),
    )
    assert len(index) == 7


# --- ip_to_int ------------------------------------------------------------------------


@given(st.integers(0, 2**32 - 1))
def test_ip_to_int_agrees_with_ipaddress_on_ipv4(value) -> None:
    assert ip_to_int(str(ipaddress.IPv4Address(value))) == (4, value)


@given(st.integers(0, 2**128 - 1))
def test_ip_to_int_agrees_with_ipaddress_on_ipv6(value) -> None:
    address = ipaddress.IPv6Address(value)
    expected = (4, int(address.ipv4_mapped)) if address.ipv4_mapped else (6, value)
    for text in (address.compressed, address.exploded, address.exploded.upper()):
        assert ip_to_int(text) == expected


def test_ip_to_int_reads_an_ipv4_mapped_address_as_ipv4() -> None:
    assert ip_to_int("::ffff:198.51.100.7") == (4, v4("198.51.100.7"))
    assert ip_to_int("::ffff:c633:6407") == (4, v4("198.51.100.7"))


def test_ip_to_int_accepts_what_the_core_parser_accepts_beyond_inet_pton() -> None:
    assert ip_to_int(" 198.51.100.7 ") == (4, v4("198.51.100.7"))
    assert ip_to_int("[2001:db8::1]") == (6, int(ipaddress.IPv6Address("2001:db8::1")))


@pytest.mark.parametrize(
    "text",
    ["1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1", "::ffff:01.2.3.4", "fe80::1%1", "1:2", "a\0b"],
)
def test_ip_to_int_refuses_what_the_core_parser_refuses(text) -> None:
    with pytest.raises(InvalidIndicator) as caught:
        ip_to_int(text)
    assert caught.value.field == "ip"


@given(st.integers(0, 2**128 - 1))
def test_int_to_ip_writes_the_canonical_text_ip_to_int_reads(value) -> None:
    text = int_to_ip(value, 6)
    assert ipaddress.IPv6Address(text) == ipaddress.IPv6Address(value)
    assert int_to_ip(value % 2**32, 4) == str(ipaddress.IPv4Address(value % 2**32))


@given(st.integers(0, 2**32 - 1), st.integers(0, 2**20))
def test_range_to_cidrs_covers_a_range_exactly_with_aligned_blocks(first, extra) -> None:
    last = min(first + extra, 2**32 - 1)
    cidrs = range_to_cidrs(first, last, 32)
    covered = first
    for network, length in cidrs:
        assert network == covered
        assert network % 2 ** (32 - length) == 0
        covered = network + 2 ** (32 - length)
    assert covered == last + 1
    expected = list(
        ipaddress.summarize_address_range(ipaddress.IPv4Address(first), ipaddress.IPv4Address(last))
    )
    assert len(cidrs) == len(expected)


# --- against a brute-force longest match ----------------------------------------------

DAYS = [dt.date(2026, 1, d) for d in range(1, 7)]
V4_BASE, V6_BASE = v4("192.0.2.0"), int(ipaddress.IPv6Address("2001:db8::"))


@st.composite
def entries(draw: st.DrawFn) -> PrefixEntry:
    family = draw(st.sampled_from([4, 6]))
    bits, base = (32, V4_BASE) if family == 4 else (128, V6_BASE)
    if draw(st.booleans()):
        length = draw(st.sampled_from([bits - 9, bits - 8, bits - 6, bits - 4, bits - 1, bits]))
        start = (base + draw(st.integers(0, 511))) >> (bits - length) << (bits - length)
        network: str | tuple[int, int, int] = f"{int_to_ip(start, family)}/{length}"
    else:
        first = base + draw(st.integers(0, 511))
        network = (first, first + draw(st.integers(0, 100)), family)
    valid_from = draw(st.none() | st.sampled_from(DAYS[:-1]))
    later = [d for d in DAYS if valid_from is None or d > valid_from]
    valid_until = draw(st.none() | st.sampled_from(later))
    return PrefixEntry(
        network,
        draw(st.integers(64496, 64511)),
        draw(st.sampled_from("abcde")),
        valid_from,
        valid_until,
    )


def brute_force(held: list[PrefixEntry], family: int, value: int, day: dt.date) -> tuple | None:
    best = None
    for order, entry in enumerate(held):
        if isinstance(entry.network, str):
            net = ipaddress.ip_network(entry.network)
            entry_family, first, last = net.version, int(net[0]), int(net[-1])
        else:
            first, last, entry_family = entry.network
        in_time = (entry.valid_from or dt.date.min) <= day < (entry.valid_until or dt.date.max)
        if entry_family == family and first <= value <= last and in_time:
            rank = (last - first, -order)
            if best is None or rank < best[0]:
                best = (rank, entry)
    return (
        None
        if best is None
        else (best[1].owner, best[1].asn, best[1].valid_from, best[1].valid_until)
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(entries(), max_size=25),
    st.lists(st.tuples(st.sampled_from([4, 6]), st.integers(-2, 600)), min_size=1, max_size=40),
    st.sampled_from([*DAYS, dt.date(2025, 12, 31), dt.date(2026, 2, 1)]),
)
def test_lookup_agrees_with_a_brute_force_longest_match(held, probes, day) -> None:
    index = PrefixIndex(held, max_epochs=2)
    for family, offset in probes:
        value = (V4_BASE if family == 4 else V6_BASE) + offset
        hit = index.lookup(value, family, day)
        found = None if hit is None else (hit.owner, hit.asn, hit.valid_from, hit.valid_until)
        assert found == brute_force(held, family, value, day)
