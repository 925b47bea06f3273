import json

import pytest
import stix2

from cleannet.server.exchange.services import EventSelection, export_stix_bundle
from cleannet.server.exchange.stix import TLP_MARKINGS, indicator_pattern, sco_id
from cleannet.server.exchange.stix_objects import event_objects

from .conftest import QUOTED_URL


@pytest.mark.parametrize(
    ("kind", "value", "pattern"),
    [
        ("ipv4", "203.0.113.1", "[ipv4-addr:value = '203.0.113.1']"),
        ("ipv6", "2001:db8::1", "[ipv6-addr:value = '2001:db8::1']"),
        ("cidr", "192.0.2.0/24", "[ipv4-addr:value ISSUBSET '192.0.2.0/24']"),
        ("cidr", "2001:db8::/32", "[ipv6-addr:value ISSUBSET '2001:db8::/32']"),
        ("domain", "bad.example", "[domain-name:value = 'bad.example']"),
        ("url", "http://x.example/it's\\", "[url:value = 'http://x.example/it\\'s\\\\']"),
        ("md5", "a" * 32, f"[file:hashes.MD5 = '{'a' * 32}']"),
        ("sha1", "b" * 40, f"[file:hashes.'SHA-1' = '{'b' * 40}']"),
        ("sha256", "c" * 64, f"[file:hashes.'SHA-256' = '{'c' * 64}']"),
        ("email", "x@bad.example", "[email-addr:value = 'x@bad.example']"),
        ("asn", "AS64511", "[autonomous-system:number = 64511]"),
    ],
)
def test_it_writes_a_valid_stix_pattern_for_each_indicator_kind(kind, value, pattern) -> None:
    assert indicator_pattern(kind, value) == pattern
    stix2.Indicator(pattern=pattern, pattern_type="stix", valid_from="2026-01-01T00:00:00Z")


def test_it_has_no_stix_pattern_for_a_phone_number() -> None:
    assert indicator_pattern("phone", "+84912345678") is None


@pytest.mark.parametrize(
    ("observable", "object_type"),
    [
        (stix2.IPv4Address(value="203.0.113.1"), "ipv4-addr"),
        (stix2.IPv6Address(value="2001:db8:a::3"), "ipv6-addr"),
        (stix2.DomainName(value="bad.example"), "domain-name"),
        (stix2.URL(value=QUOTED_URL), "url"),
    ],
)
def test_it_gives_observables_the_ids_stix_defines(observable, object_type) -> None:
    assert sco_id(object_type, {"value": observable.value}) == observable.id


@pytest.mark.django_db
def test_it_maps_an_event_of_a_known_family_to_observed_data_and_a_sighting(world) -> None:
    mirai_event = world.isp_events[0]
    address, observed, sighting = event_objects(mirai_event)
    assert address["type"] == "ipv4-addr" and address["value"] == "203.0.113.1"
    assert observed["object_refs"] == [address["id"]]
    assert observed["first_observed"] == "2026-03-01T08:00:00.000000Z"
    assert observed["number_observed"] == 4  # the feed's extra.count
    assert 'rsit:malicious-code="infected-system"' in observed["labels"]
    assert observed["object_marking_refs"] == [TLP_MARKINGS["AMBER"]]
    assert sighting["sighting_of_ref"].startswith("malware--")
    assert sighting["observed_data_refs"] == [observed["id"]]
    assert sighting["count"] == 4


@pytest.mark.django_db
def test_it_gives_the_same_ids_each_time_it_maps_an_event(world) -> None:
    first = [obj["id"] for obj in event_objects(world.isp_events[2])]
    again = [
        obj["id"]
        for obj in event_objects(type(world.isp_events[2]).objects.get(pk=world.isp_events[2].pk))
    ]
    assert first == again
    assert [o.split("--")[0] for o in first] == ["ipv4-addr", "url", "observed-data"]


@pytest.mark.django_db
def test_it_exports_a_bundle_that_stix2_parses_whole(world, personas) -> None:
    text = "".join(export_stix_bundle(EventSelection(owner=personas.isp_org)))
    bundle = stix2.parse(text, allow_custom=False)
    types = [obj.type for obj in bundle.objects]
    assert types.count("observed-data") == 3
    assert types.count("sighting") == 1
    assert types.count("marking-definition") == 5
    assert {"identity", "malware", "ipv4-addr", "ipv6-addr", "url"} <= set(types)
    ids = [obj["id"] for obj in json.loads(text)["objects"]]
    assert len(ids) == len(set(ids)), "an object appears twice in the bundle"


@pytest.mark.django_db
def test_it_counts_the_events_it_bundles(world) -> None:
    done: list[int] = []
    "".join(export_stix_bundle(EventSelection(), progress=done.append))
    assert sum(done) == 5
