"""A small recorded world for the exchange tests, on top of the shared personas.

ISP A (``isp_org``) has three events (one of Mirai, one IPv6, one with a URL whose text
a quote and an identifier that
starts like a spreadsheet formula), ISP B one event, nobody one. Indicators: a Mirai C2
address, a TLP:RED domain, a URL with a quote, a SHA-256, a network, an AS, a phone
number (no STIX form) and an expired address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from cleannet.server.intel import services
from cleannet.server.intel.models import Event, Feed, MalwareFamily

SEEN = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)
QUOTED_URL = "http://203.0.113.9/it's/payload.sh"
FORMULA = '=hyperlink("http://evil.example")'


@dataclass
class World:
    feed: Feed
    mirai: MalwareFamily
    isp_events: list[Event]
    other_event: Event


@pytest.fixture
def world(personas, networks, make_event) -> World:
    feed = services.add_feed(None, "sinkhole", "Shadowserver", "shadowserver-csv")
    mirai = services.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET, aliases=["elf.mirai"])
    services.record_events(
        None,
        [
            make_event(source_ip="203.0.113.1", malware_name="mirai", extra_count=4),
            make_event(source_ip="2001:db8:a::3", time_source="2026-03-02T00:00:00Z"),
            make_event(
                source_ip="203.0.113.9",
                source_url=QUOTED_URL,
                classification_identifier=FORMULA,
                classification_type="malware-distribution",
                malware_hash_sha256="a" * 64,
            ),
            make_event(source_ip="198.51.100.4", malware_name="mirai"),
            make_event(source_ip="192.0.2.5"),
        ],
        feed=feed,
    )
    _indicators(mirai)
    isp_events = list(Event.objects.filter(owner=networks.isp_v4.organisation).order_by("id"))
    return World(
        feed=feed,
        mirai=mirai,
        isp_events=isp_events,
        other_event=Event.objects.get(source_ip="198.51.100.4"),
    )


def _indicators(mirai: MalwareFamily) -> None:
    upsert = services.upsert_indicator
    upsert(None, "ipv4", "198.51.100.66", SEEN, family=mirai)
    upsert(None, "ipv4", "203.0.113.9", SEEN)
    upsert(None, "domain", "secret.example.com", SEEN, tlp="RED")
    upsert(None, "url", "http://bad.example/it's", SEEN, tlp="GREEN")
    upsert(None, "sha256", "b" * 64, SEEN)
    upsert(None, "cidr", "192.0.2.0/24", SEEN)
    upsert(None, "asn", "AS64511", SEEN)
    upsert(None, "phone", "+84 912 345 678", SEEN)
    upsert(None, "ipv4", "198.51.100.99", SEEN, valid_until=SEEN + dt.timedelta(days=1))
