"""IP indicators match the address; CIDR indicators every address inside, IPv4 and IPv6."""

import pytest


def flow(address: str) -> dict[str, object]:
    return {
        "ts": "2026-03-04T10:00:00Z",
        "client_ip": "100.64.0.1",
        "kind": "flow",
        "dst_ip": address,
        "dst_port": 443,
        "evidence": address,
    }


def matched(engine, build_job, addresses: list[str], kind: str, value: str) -> list[str]:
    """Return the addresses that matched: without leases every match is reported apart."""
    indicators = [{"kind": kind, "value": value, "family": "mozi"}]
    result = engine.run(build_job(records=[flow(a) for a in addresses], indicators=indicators))
    return sorted(u["evidence"] for u in result.unattributed.to_pylist())


def test_it_matches_an_ip_indicator_on_the_same_address_only(engine, build_job) -> None:
    addresses = ["198.51.100.7", "198.51.100.70", "198.51.100.8", "2001:db8::7"]

    assert matched(engine, build_job, addresses, "ip", "198.51.100.7") == ["198.51.100.7"]


def test_it_matches_an_ipv6_ip_indicator(engine, build_job) -> None:
    addresses = ["2001:db8::dead", "2001:db8::dea", "2001:db8:0:1::dead"]

    assert matched(engine, build_job, addresses, "ip", "2001:db8::dead") == ["2001:db8::dead"]


@pytest.mark.parametrize(
    ("cidr", "inside", "outside"),
    [
        ("192.0.2.16/28", ["192.0.2.16", "192.0.2.31"], ["192.0.2.15", "192.0.2.32"]),
        ("203.0.113.128/25", ["203.0.113.128", "203.0.113.255"], ["203.0.113.127", "203.0.114.0"]),
        ("10.0.0.0/8", ["10.0.0.0", "10.255.255.255"], ["9.255.255.255", "11.0.0.0"]),
        ("198.51.100.7/32", ["198.51.100.7"], ["198.51.100.6", "198.51.100.8"]),
        ("0.0.0.0/0", ["0.0.0.0", "255.255.255.255"], ["::", "2001:db8::1"]),
    ],
)
def test_it_matches_every_ipv4_address_inside_a_cidr_and_none_outside(
    engine, build_job, cidr, inside, outside
) -> None:
    assert matched(engine, build_job, inside + outside, "cidr", cidr) == sorted(inside)


@pytest.mark.parametrize(
    ("cidr", "inside", "outside"),
    [
        (
            "2001:db8:bad::/48",
            ["2001:db8:bad::", "2001:db8:bad:ffff:ffff:ffff:ffff:ffff"],
            ["2001:db8:bac:ffff:ffff:ffff:ffff:ffff", "2001:db8:bae::"],
        ),
        (
            "2001:db8::/33",
            ["2001:db8::1", "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff"],
            ["2001:db8:8000::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"],
        ),
        ("2001:db8::dead/128", ["2001:db8::dead"], ["2001:db8::deae", "2001:db8::dea"]),
        (
            "8000::/1",
            ["8000::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            ["7fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "128.0.0.1"],
        ),
        ("::ffff:0:0/96", ["::ffff:1.2.3.4", "::ffff:0:0"], ["1.2.3.4", "::fffe:ffff:ffff"]),
    ],
)
def test_it_matches_every_ipv6_address_inside_a_cidr_and_none_outside(
    engine, build_job, cidr, inside, outside
) -> None:
    assert matched(engine, build_job, inside + outside, "cidr", cidr) == sorted(inside)


def test_it_gives_an_address_inside_nested_cidrs_one_match_per_cidr(engine, build_job) -> None:
    indicators = [
        {"kind": "cidr", "value": "192.0.2.0/24"},
        {"kind": "cidr", "value": "192.0.2.16/28"},
    ]

    result = engine.run(build_job(records=[flow("192.0.2.20")], indicators=indicators))

    assert sorted(u["indicator"] for u in result.unattributed.to_pylist()) == [
        "192.0.2.0/24",
        "192.0.2.16/28",
    ]


def test_it_does_not_match_a_record_without_an_address(engine, build_job) -> None:
    lookup = {"ts": "2026-03-04T10:00:00Z", "client_ip": "192.0.2.20", "qname": "192.0.2.20"}
    indicators = [{"kind": "cidr", "value": "192.0.2.0/24"}, {"kind": "ip", "value": "192.0.2.20"}]

    result = engine.run(build_job(records=[lookup], indicators=indicators))

    assert result.records_matched == 0
