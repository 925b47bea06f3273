"""Loading a demo world: everything through the services, once, attributed correctly."""

from __future__ import annotations

import datetime as dt
import functools
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network
from typing import Any

import pytest
from django.db.models import Model

from cleannet.server.accounts.models import AuditEntry, Organisation, User
from cleannet.server.demo import World, generate_world, indicator_sightings, load_world
from cleannet.server.intel.models import Event, Feed, FeedRun, Indicator, MalwareFamily
from cleannet.server.networks.models import AbuseContact, AutonomousSystem, Prefix
from cleannet.server.networks.services import validity_day

pytestmark = pytest.mark.django_db

MODELS: tuple[type[Model], ...] = (
    Organisation, User, AutonomousSystem, Prefix, AbuseContact, MalwareFamily, Feed,
    Indicator, Event, FeedRun, AuditEntry,
)  # fmt: skip


@pytest.fixture(autouse=True)
def fast_passwords(settings: Any) -> None:
    # Each demo user's password is hashed at full strength otherwise: ~0.6 s apiece.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def world() -> World:
    return generate_world(seed=11, days=21, events=600, today=dt.date(2026, 3, 1))


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in MODELS}


@functools.cache
def _network(cidr: str) -> IPv4Network | IPv6Network:
    return ip_network(cidr)


def _expected_holder(world: World, ip: str, day: dt.date) -> str | None:
    address = ip_address(ip)
    held = [
        p for p in world.prefixes
        if address in _network(p.cidr)
        and p.valid_from <= day and (p.valid_until is None or day < p.valid_until)
    ]  # fmt: skip
    return max(held, key=lambda p: _network(p.cidr).prefixlen).organisation if held else None


def test_it_loads_every_record_of_the_world(world: World) -> None:
    summary = load_world(world)
    assert (summary.organisations, summary.users) == (len(world.organisations), len(world.users))
    assert summary.autonomous_systems == len(world.autonomous_systems)
    assert (summary.prefixes, summary.abuse_contacts) == (
        len(world.prefixes), len(world.abuse_contacts)
    )  # fmt: skip
    assert (summary.families, summary.feeds) == (len(world.families), len(world.feeds))
    # A URL's port is not part of the indicator, so two sightings may be one indicator.
    assert (
        0
        < summary.indicators
        == Indicator.objects.count()
        <= len(indicator_sightings(world.events))
    )
    assert summary.events_read == len(world.events)
    assert summary.events_duplicates == world.duplicate_events
    assert summary.events_accepted == len(world.events) - world.duplicate_events
    assert Event.objects.count() == summary.events_accepted
    assert Prefix.objects.count() == len(world.prefixes)


def test_it_changes_nothing_when_loaded_twice(world: World) -> None:
    load_world(world)
    before = _counts()
    again = load_world(world)
    assert _counts() == before
    assert again.events_accepted == 0 and again.events_duplicates == len(world.events)
    assert again.organisations == again.users == again.prefixes == again.indicators == 0
    assert again.passwords == {}


def test_it_gives_every_role_a_user_with_the_given_or_a_new_password(world: World) -> None:
    summary = load_world(world, passwords={"admin": "a-long-demo-password"})
    assert User.objects.get(username="admin").check_password("a-long-demo-password")
    assert set(summary.passwords) == {u.username for u in world.users} - {"admin"}
    analyst = User.objects.get(username="analyst")
    assert analyst.check_password(summary.passwords["analyst"])
    roles = set(User.objects.values_list("role", flat=True))
    assert roles == {"authority_admin", "authority_analyst", "isp_operator", "org_member"}
    for isp in Organisation.objects.filter(kind="isp"):
        assert isp.users.filter(role="isp_operator").exists()


def test_it_attributes_events_to_the_isp_holding_the_prefix_at_the_time(world: World) -> None:
    load_world(world)
    events = Event.objects.exclude(source_ip=None).select_related("owner")
    owners = set()
    for event in events:
        assert event.source_ip is not None
        expected = _expected_holder(world, event.source_ip, validity_day(event.time_source))
        assert (event.owner.slug if event.owner else None) == expected, event.data
        owners.add(expected)
    assert {o.slug for o in Organisation.objects.filter(kind="isp")} <= owners
    assert None in owners  # a few come from addresses no ISP holds


def test_it_attributes_a_sold_block_to_each_holder_in_turn(world: World) -> None:
    load_world(world)
    sold = [p for p in Prefix.objects.all() if Prefix.objects.filter(cidr=p.cidr).count() == 2]
    holders = set(Event.objects.filter(prefix__in=sold).values_list("owner__slug", flat=True))
    assert holders == {p.organisation.slug for p in sold}
    assert len(holders) == 2


def test_it_records_one_reconciled_run_per_feed(world: World) -> None:
    load_world(world)
    runs = FeedRun.objects.select_related("feed")
    assert sorted(r.feed.name for r in runs) == sorted(f.name for f in world.feeds)
    assert all(r.status == "succeeded" and r.read == r.accepted + r.duplicates for r in runs)
    assert sum(r.read for r in runs) == len(world.events)


def test_it_links_events_to_their_families(world: World) -> None:
    load_world(world)
    named = Event.objects.exclude(data__has_key="malware.name").count()
    assert Event.objects.filter(family=None).count() == named


def test_it_reports_progress_up_to_the_total(world: World) -> None:
    calls: list[tuple[int, int]] = []
    load_world(world, progress=lambda done, total: calls.append((done, total)))
    done = [d for d, _ in calls]
    assert done == sorted(done)
    assert calls[-1][0] == calls[-1][1] >= len(world.events)


def test_it_loads_indicators_spanning_their_sightings(world: World) -> None:
    load_world(world)
    sightings = indicator_sightings(world.events)
    seen = next(s for s in sightings if s.kind == "ipv4" and s.first_seen < s.last_seen)
    row = Indicator.objects.select_related("family", "feed").get(kind="ipv4", value=seen.value)
    assert (row.first_seen, row.last_seen) == (seen.first_seen, seen.last_seen)
    assert row.family is not None and row.feed is not None and row.feed.name == seen.feed


def test_it_shows_brand_protection_at_work(world: World) -> None:
    from cleannet.server.brands.models import AlertStatus, Brand, LookalikeAlert

    summary = load_world(world)
    again = load_world(world)

    assert summary.brands == 3 and again.brands == 0
    assert Brand.objects.count() == 3
    confirmed = set(
        LookalikeAlert.objects.filter(status=AlertStatus.CONFIRMED).values_list("host", flat=True)
    )
    assert confirmed == {"saomaibank-xacminh.example", "trucxanhbank-hotro247.example"}
    new = set(LookalikeAlert.objects.filter(status=AlertStatus.NEW).values_list("host", flat=True))
    assert "saornaibank.example" in new  # a homoglyph lookalike waits for the analyst
    assert not new & {"www.saomaibank.example", "saomaisecurities.example", "maytre.example"}


def test_it_publishes_a_signature_bundle_that_detects_the_test_file(
    world: World, settings, tmp_path
) -> None:
    import dataclasses

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from cleannet.scanner.bundle import load_public_key, verify_bundle
    from cleannet.server.demo.load_bundle import EICAR_SHA256
    from cleannet.server.scanhub.models import SignatureBundle
    from cleannet.server.scanhub.services import bundle_path, latest_bundle, public_key

    key = tmp_path / "signing.pem"
    key.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    settings.CLEANNET_SCANNER = dataclasses.replace(settings.CLEANNET_SCANNER, signing_key_file=key)
    load_world(world)
    load_world(world)

    assert SignatureBundle.objects.count() == 1
    bundle = latest_bundle()
    assert bundle is not None
    blob = bundle_path(bundle).read_bytes()
    files = verify_bundle(blob, load_public_key(public_key())).files
    assert EICAR_SHA256.encode() in files["hash-iocs.txt"]
