"""The demo world generator: deterministic, fictitious, non-routable, shaped like real data."""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections import Counter
from collections.abc import Callable
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

import pytest

from cleannet.server.demo import EventDict, World, generate_world, indicator_sightings
from cleannet.server.intel.naming import alias_key

TODAY = dt.date(2026, 3, 1)

ALLOWED_V4 = [
    ip_network(n)
    for n in ("10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "198.18.0.0/15",
              "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24")
]  # fmt: skip
ALLOWED_V6 = [ip_network("2001:db8::/32"), ip_network("fd00::/8")]
REAL_TELCOS = ("viettel", "vnpt", "fpt", "mobifone", "cmc", "sctv", "vietnamobile")
STRAY = ip_network("203.0.113.0/24")


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(seed=2026, days=90, events=20000, today=TODAY)


def _allowed(network: IPv4Network | IPv6Network) -> bool:
    pool = ALLOWED_V4 if network.version == 4 else ALLOWED_V6
    return any(network.subnet_of(parent) for parent in pool)  # type: ignore[arg-type]


@functools.cache
def _network(cidr: str) -> IPv4Network | IPv6Network:
    return ip_network(cidr)


def _day(event: EventDict) -> dt.date:
    return dt.date.fromisoformat(str(event["time.source"])[:10])


def _holder(world: World, ip: str, day: dt.date) -> str | None:
    """Return the slug holding ``ip`` on ``day`` (longest prefix), or None."""
    address = ip_address(ip)
    held = [
        p for p in world.prefixes
        if address in _network(p.cidr)
        and p.valid_from <= day and (p.valid_until is None or day < p.valid_until)
    ]  # fmt: skip
    return max(held, key=lambda p: _network(p.cidr).prefixlen).organisation if held else None


def test_it_makes_the_same_world_from_the_same_seed(world: World) -> None:
    assert generate_world(seed=2026, days=90, events=20000, today=TODAY) == world


def test_it_makes_a_different_world_from_another_seed(world: World) -> None:
    other = generate_world(seed=7, days=90, events=20000, today=TODAY)
    assert other.events != world.events
    assert other.prefixes != world.prefixes
    assert other.autonomous_systems != world.autonomous_systems


def test_it_generates_twenty_thousand_events_in_under_two_seconds() -> None:
    # CPU time, not wall time: a busy CI machine must not make this fail.
    started = time.process_time()
    generate_world(seed=99, events=20000, today=TODAY)
    assert time.process_time() - started < 2.0


def test_it_covers_the_days_before_today_in_utc(world: World) -> None:
    assert world.start == dt.datetime(2025, 12, 1, tzinfo=dt.UTC)
    assert world.end == dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    times = [dt.datetime.fromisoformat(str(e["time.source"])) for e in world.events]
    assert all(world.start <= t < world.end and t.utcoffset() == dt.timedelta(0) for t in times)
    assert times == sorted(times)


def test_it_has_one_authority_five_isps_and_every_other_kind(world: World) -> None:
    kinds = Counter(o.kind for o in world.organisations)
    assert kinds == {"authority": 1, "isp": 5, "bank": 2, "ecommerce": 2, "social_network": 1,
                     "government": 2, "other": 1}  # fmt: skip
    assert all(o.website.startswith("https://") and o.website.endswith(".example")
               for o in world.organisations)  # fmt: skip


def test_it_never_names_a_real_vietnamese_telco(world: World) -> None:
    texts = [f"{o.slug} {o.name} {o.website}".lower() for o in world.organisations]
    texts += [f"{a.name}".lower() for a in world.autonomous_systems]
    assert not [t for t in texts for telco in REAL_TELCOS if telco in t]


def test_it_has_a_user_for_every_role_and_an_operator_per_isp(world: World) -> None:
    roles = Counter(u.role for u in world.users)
    assert {"authority_admin", "authority_analyst", "isp_operator", "org_member"} <= set(roles)
    isps = {o.slug for o in world.organisations if o.kind == "isp"}
    assert {u.organisation for u in world.users if u.role == "isp_operator"} == isps
    names = {u.username for u in world.users}
    assert {"admin", "analyst", "isp-songhong", "bank-member"} <= names


def test_it_hands_out_private_asns_only(world: World) -> None:
    counts = Counter(a.organisation for a in world.autonomous_systems)
    assert all(64512 <= a.number <= 65534 for a in world.autonomous_systems)
    assert set(counts.values()) <= {1, 2} and len(counts) == 5


def test_it_hands_out_non_routable_canonical_prefixes_only(world: World) -> None:
    for prefix in world.prefixes:
        network = ip_network(prefix.cidr)
        assert str(network) == prefix.cidr
        assert _allowed(network), prefix.cidr
    assert any(ip_network(p.cidr).version == 6 for p in world.prefixes)


def test_it_never_lets_two_holdings_overlap_in_time(world: World) -> None:
    prefixes = world.prefixes
    for i, a in enumerate(prefixes):
        for b in prefixes[i + 1 :]:
            if _network(a.cidr).overlaps(_network(b.cidr)):
                assert a.valid_until is not None and a.valid_until <= b.valid_from


def test_it_sells_one_block_between_isps_inside_the_window(world: World) -> None:
    held = Counter(p.cidr for p in world.prefixes)
    [(cidr, _)] = [(c, n) for c, n in held.items() if n == 2]
    old, new = [p for p in world.prefixes if p.cidr == cidr]
    assert old.organisation != new.organisation
    assert old.valid_until == new.valid_from
    assert world.start.date() < new.valid_from < world.end.date()
    holders = {
        _holder(world, str(e["source.ip"]), _day(e))
        for e in world.events
        if "source.ip" in e and ip_address(str(e["source.ip"])) in _network(cidr)
    }
    assert holders == {old.organisation, new.organisation}


def test_it_uses_example_domains_for_every_mail_address(world: World) -> None:
    emails = [c.email for c in world.abuse_contacts] + [u.email for u in world.users]
    assert all(e.split("@")[1].endswith(".example") for e in emails)
    isps = {o.slug for o in world.organisations if o.kind == "isp"}
    assert isps <= {c.organisation for c in world.abuse_contacts if c.is_primary}


def test_it_lists_the_real_families_with_both_descriptions(world: World) -> None:
    names = {f.name for f in world.families}
    assert {"Mirai", "Mozi", "Emotet", "Qakbot", "Cobalt Strike", "XMRig", "LockBit"} <= names
    kinds = {f.name: f.kind for f in world.families}
    assert kinds["XMRig"] == "miner" and kinds["LockBit"] == "ransomware"
    assert all(f.description_vi and f.description_en for f in world.families)
    owners: dict[str, set[str]] = {}
    for family in world.families:
        for name in (family.name, *family.aliases):
            owners.setdefault(alias_key(name), set()).add(family.name)
    assert all(len(names) == 1 for names in owners.values())


def test_it_names_only_known_families_and_feeds_in_events(world: World) -> None:
    keys = {alias_key(n) for f in world.families for n in (f.name, *f.aliases)}
    named = {alias_key(str(e["malware.name"])) for e in world.events if "malware.name" in e}
    assert named <= keys
    assert {str(e["feed.name"]) for e in world.events} == {f.name for f in world.feeds}


def test_it_puts_event_addresses_in_held_prefixes_or_documentation_ranges(world: World) -> None:
    unattributed = 0
    for event in world.events:
        if "source.ip" not in event:
            continue
        if _holder(world, str(event["source.ip"]), _day(event)) is None:
            assert ip_address(str(event["source.ip"])) in STRAY
            unattributed += 1
    assert 0 < unattributed < len(world.events) * 0.03


def test_it_makes_about_two_percent_exact_duplicates(world: World) -> None:
    keys = Counter(tuple(sorted(e.items())) for e in world.events)
    copies = sum(n - 1 for n in keys.values())
    assert copies == world.duplicate_events == 400


def test_it_lets_iot_botnets_dominate_and_mixes_ip_versions(world: World) -> None:
    families = Counter(str(e["malware.name"]) for e in world.events
                       if e["classification.type"] == "infected-system")  # fmt: skip
    iot = families["mirai"] + families["mozi"] + families["gafgyt"]
    assert iot > sum(families.values()) / 2
    v6 = sum(1 for e in world.events if ":" in str(e.get("source.ip", "")))
    assert 0.03 < v6 / len(world.events) < 0.2


def test_it_shows_a_weekly_rhythm_an_iot_wave_and_an_emotet_burst(world: World) -> None:
    def daily(match: Callable[[EventDict], bool]) -> Counter[str]:
        return Counter(str(e["time.source"])[:10] for e in world.events if match(e))

    office = daily(lambda e: e.get("malware.name") in ("qakbot", "agenttesla", "lumma"))
    weekend = [n for d, n in office.items() if dt.date.fromisoformat(d).weekday() >= 5]
    weekday = [n for d, n in office.items() if dt.date.fromisoformat(d).weekday() < 5]
    assert sum(weekend) / len(weekend) < 0.8 * sum(weekday) / len(weekday)
    for port_or_name in (lambda e: e.get("destination.port") in (23, 2323, 37215),
                         lambda e: e.get("malware.name") == "emotet"):  # fmt: skip
        counts = daily(port_or_name)
        assert max(counts.values()) > 3 * sorted(counts.values())[len(counts) // 2]


def test_it_covers_every_kind_of_event_the_demo_shows(world: World) -> None:
    types = Counter(str(e["classification.type"]) for e in world.events)
    assert set(types) == {"infected-system", "c2-server", "malware-distribution", "scanner",
                          "vulnerable-system"}  # fmt: skip
    hosts = [urlsplit(str(e["source.url"])).hostname for e in world.events if "source.url" in e]
    for host in hosts:
        assert host is not None
        if not host.endswith((".example", ".invalid")):
            assert _allowed(ip_network(host)), host


def test_it_derives_indicators_from_c2_and_distribution_events(world: World) -> None:
    sightings = indicator_sightings(world.events)
    kinds = Counter(s.kind for s in sightings)
    assert {"ipv4", "url", "domain"} <= set(kinds)
    assert all(s.first_seen <= s.last_seen for s in sightings)


def test_it_scales_down_for_tests() -> None:
    small = generate_world(seed=1, days=5, events=50, today=TODAY)
    assert len(small.events) == 50 and small.duplicate_events == 1
    assert small.start == dt.datetime(2026, 2, 24, tzinfo=dt.UTC)


def test_it_refuses_an_empty_window() -> None:
    with pytest.raises(ValueError, match="at least one day"):
        generate_world(days=0)
