"""C2 IOCs: names below a domain, addresses, CIDRs, short and bad entries."""

from __future__ import annotations

from cleannet.scanner.signatures import C2Set


def load(text: str) -> tuple[C2Set, list[str]]:
    c2 = C2Set()
    problems = c2.load(text, "c2-iocs.txt")
    return c2, [str(p) for p in problems]


def test_a_domain_matches_itself_and_the_names_below_it() -> None:
    c2, problems = load("# Test botnet\nevil.example\n")
    assert problems == []
    assert c2.match_name("evil.example") == ("Test botnet", 100)
    assert c2.match_name("A.B.Evil.Example.") == ("Test botnet", 100)
    assert c2.match_name("notevil.example") is None


def test_addresses_and_networks_match_with_their_score() -> None:
    c2, problems = load("# Net\n198.51.100.7;65\n203.0.113.0/24\n2001:db8::/32\n")
    assert problems == []
    assert c2.match_ip("198.51.100.7") == ("Net", 65)
    assert c2.match_ip("203.0.113.200") == ("Net", 100)
    assert c2.match_ip("::ffff:203.0.113.9") == ("Net", 100)
    assert c2.match_ip("2001:db8:1::5") == ("Net", 100)
    assert c2.match_ip("198.51.100.8") is None
    assert c2.match_ip("not an ip") is None


def test_short_entries_are_ignored_and_bad_ones_reported() -> None:
    c2, problems = load("# x\nab\nbad..name\n300.1.2.3\nok.example\n")
    assert len(c2) == 1
    assert [p.split(":")[1] for p in problems] == ["3", "4"]
