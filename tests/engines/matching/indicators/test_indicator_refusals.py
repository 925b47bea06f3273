"""Indicators that would match nearly everything are refused, each with its reason."""

from __future__ import annotations

import pytest

from cleannet.engines.matching.indicators import read_indicators


def test_it_refuses_each_bad_indicator_of_the_fixture_with_its_reason(indicator_file) -> None:
    _, summary = read_indicators([indicator_file("indicators.csv")])
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (5, "'com.vn' is a public suffix: it would match every name under it"),
        (6, "'vercel.app' is a public suffix: it would match every name under it"),
        (9, "'10.0.0.53' is private address space, not routable"),
        (11, "'0.0.0.0/0' is shorter than /16, the shortest CIDR accepted: it would match "
             "too many addresses"),
        (12, "'203.0.0.0/8' is shorter than /16, the shortest CIDR accepted: it would match "
             "too many addresses"),
        (13, "cidr '198.51.100.7/24': has host bits set; the network is 198.51.100.0/24"),
        (15, "url '/just/a/path': has no host"),
        (19, "valid_until is not after valid_from: the indicator is never valid"),
        (20, "kind 'ipv7' is not one of ip, ipv4, ipv6, cidr, domain, url"),
        (21, "has no value"),
        (22, "valid_until 'yesterday' is not an ISO 8601 time"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("ip,127.0.0.1", "'127.0.0.1' is loopback address space, not routable"),
        ("ip,100.64.1.1", "'100.64.1.1' is shared address space, not routable"),
        ("ip,224.0.0.251", "'224.0.0.251' is multicast address space, not routable"),
        ("ip,fe80::1", "'fe80::1' is link_local address space, not routable"),
        ("cidr,172.16.0.0/16", "'172.16.0.0/16' is private address space, not routable"),
        ("cidr,::/0", "'::/0' is shorter than /32, the shortest CIDR accepted: it would match "
                      "too many addresses"),
        ("ip,198.51.100.0/24", "kind ip '198.51.100.0/24' has a network prefix; give it as "
                               "kind cidr"),
        ("domain,github.io", "'github.io' is a public suffix: it would match every name under it"),
        ("domain,COM.", "domain 'COM.': is a single label, not a fully qualified name"),
        ("url,http://vercel.app/login", "'http://vercel.app/login' has a public suffix as its "
                                        "host: it would match every site there"),
    ],
)  # fmt: skip
def test_it_refuses_an_indicator_that_would_match_too_much(line, reason, write_csv) -> None:
    table, summary = read_indicators([write_csv(line)])
    assert table.num_rows == 0
    assert [bad.reason for bad in summary.samples] == [reason]


def test_it_takes_the_minimum_prefix_lengths_as_settings(write_csv, rows) -> None:
    path = write_csv("cidr,198.51.100.0/24,,,", "cidr,2001:db8::/48,,,")
    table, summary = read_indicators([path], min_prefix_v4=25, min_prefix_v6=48)
    assert rows(table, "value") == [("2001:db8::/48",)]
    assert summary.bad == 1


@pytest.mark.parametrize(
    ("line", "value"),
    [
        ("ip,198.51.100.9/32", "198.51.100.9"),
        ("ip,2001:db8::9/128", "2001:db8::9"),
        ("cidr,::ffff:198.51.100.0/120", "198.51.100.0/24"),
        ("ip,192.0.2.1", "192.0.2.1"),  # documentation space: test data, accepted
        ("url,http://[2001:DB8::1]/x", "http://[2001:db8::1]/x"),
        ("domain,state-bank.vercel.app", "state-bank.vercel.app"),
    ],
)
def test_it_accepts_what_only_looks_close(line, value, write_csv, rows) -> None:
    table, summary = read_indicators([write_csv(line)])
    assert rows(table, "value") == [(value,)]
    assert summary.bad == 0
