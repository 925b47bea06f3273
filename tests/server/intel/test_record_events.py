import datetime as dt

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import events as event_module
from cleannet.server.intel import services
from cleannet.server.intel.models import Event, MalwareFamily
from cleannet.server.networks import services as network_services

pytestmark = pytest.mark.django_db


def _sightings(make_event, count: int, offset: int = 0) -> list:
    return [make_event(source_ip=f"203.0.113.{offset + n}") for n in range(count)]


def test_it_records_an_event_attributed_to_the_owner_of_its_source(
    make_event, personas, networks
) -> None:
    result = services.record_events(None, [make_event(source_ip="203.0.113.5", source_port=445)])
    assert result == services.RecordResult(read=1, accepted=1, duplicates=0)
    stored = Event.objects.get()
    assert stored.owner == personas.isp_org
    assert stored.prefix == networks.isp_v4
    assert (stored.source_ip, stored.source_port) == ("203.0.113.5", 445)
    assert stored.classification_taxonomy == "malicious-code"
    assert stored.time_source == dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


def test_it_keeps_the_full_intelmq_record_and_its_hash(make_event, networks) -> None:
    event = make_event({"source.ip": "203.0.113.5", "extra.infection": "mirai"})
    services.record_events(None, [event])
    stored = Event.objects.get()
    assert stored.data == event.to_dict()
    assert stored.event_hash == event.event_hash()


def test_it_counts_duplicates_within_one_call(make_event, networks) -> None:
    events = [*_sightings(make_event, 3), *_sightings(make_event, 2)]
    result = services.record_events(None, events)
    assert result == services.RecordResult(read=5, accepted=3, duplicates=2)
    assert Event.objects.count() == 3


def test_it_counts_duplicates_across_calls(make_event, networks) -> None:
    services.record_events(None, _sightings(make_event, 3))
    result = services.record_events(None, _sightings(make_event, 5))
    assert result == services.RecordResult(read=5, accepted=2, duplicates=3)
    assert Event.objects.count() == 5


def test_it_counts_duplicates_across_batches_of_one_call(make_event, networks, monkeypatch) -> None:
    monkeypatch.setattr(event_module, "BATCH_SIZE", 3)
    events = [*_sightings(make_event, 4), *_sightings(make_event, 6, offset=2)]
    result = services.record_events(None, events)
    assert result == services.RecordResult(read=10, accepted=8, duplicates=2)
    assert Event.objects.count() == 8


def test_it_treats_a_later_collection_of_the_same_observation_as_a_duplicate(
    make_event, networks
) -> None:
    first = make_event(source_ip="203.0.113.5", time_observation="2026-03-01T09:00:00Z")
    again = make_event(source_ip="203.0.113.5", time_observation="2026-03-02T09:00:00Z")
    result = services.record_events(None, [first, again])
    assert (result.accepted, result.duplicates) == (1, 1)


def test_it_writes_one_audit_entry_per_call_with_the_counts(make_event, personas, networks) -> None:
    feed = services.add_feed(None, "test-feed", "Tests", "csv")
    services.record_events(personas.analyst.user, _sightings(make_event, 4) * 2, feed=feed)
    entry = AuditEntry.objects.get(action="events.record")
    assert entry.actor == personas.analyst.user
    assert (entry.object_type, entry.object_id) == ("intel.feed", str(feed.pk))
    assert entry.after == {"feed": "test-feed", "read": 8, "accepted": 4, "duplicates": 4}
    assert Event.objects.filter(feed=feed).count() == 4


def test_it_attributes_by_the_time_of_the_event_not_the_time_of_recording(
    make_event, personas, networks
) -> None:
    network_services.end_prefix(None, networks.isp_v4, dt.date(2026, 2, 1))
    network_services.add_prefix(None, "203.0.113.0/24", personas.other_isp_org, dt.date(2026, 2, 1))
    old = make_event(source_ip="203.0.113.5", time_source="2026-01-15T00:00:00Z")
    new = make_event(source_ip="203.0.113.5", time_source="2026-02-15T00:00:00Z")
    services.record_events(None, [old, new])
    owners = dict(Event.objects.values_list("time_source__month", "owner__slug"))
    assert owners == {1: personas.isp_org.slug, 2: personas.other_isp_org.slug}


def test_it_leaves_an_event_from_unknown_space_or_without_an_ip_unattributed(
    make_event, networks
) -> None:
    services.record_events(
        None,
        [make_event(source_ip="192.0.2.1"), make_event(source_fqdn="evil.example.com")],
    )
    assert list(Event.objects.values_list("owner", flat=True)) == [None, None]


def test_it_fills_the_source_asn_from_the_attributed_prefix(make_event, networks) -> None:
    services.record_events(
        None,
        [make_event(source_ip="203.0.113.5"), make_event(source_ip="198.51.100.5", source_asn=1)],
    )
    asns = dict(Event.objects.values_list("source_ip", "source_asn"))
    assert asns == {"203.0.113.5": 64500, "198.51.100.5": 1}


def test_it_links_an_event_to_the_family_its_malware_name_names(make_event, networks) -> None:
    tesla = services.add_family(None, "Agent Tesla", MalwareFamily.Kind.INFOSTEALER)
    mirai = services.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET)
    services.record_events(
        None,
        [
            make_event(source_ip="203.0.113.1", malware_name="win.agent_tesla"),
            make_event(source_ip="203.0.113.2", classification_identifier="Mirai"),
            make_event(source_ip="203.0.113.3", malware_name="unheard-of"),
        ],
    )
    families = dict(Event.objects.values_list("source_ip", "family"))
    assert families == {"203.0.113.1": tesla.pk, "203.0.113.2": mirai.pk, "203.0.113.3": None}


def test_it_takes_the_tlp_from_the_event_else_from_the_feed(make_event, networks) -> None:
    feed = services.add_feed(None, "test-feed", "Tests", "csv", tlp="GREEN")
    services.record_events(
        None,
        [make_event(source_ip="203.0.113.1", tlp="WHITE"), make_event(source_ip="203.0.113.2")],
        feed=feed,
    )
    assert dict(Event.objects.values_list("source_ip", "tlp")) == {
        "203.0.113.1": "CLEAR",
        "203.0.113.2": "GREEN",
    }


def test_it_records_nothing_and_counts_zero_for_no_events(personas) -> None:
    assert services.record_events(None, []) == services.RecordResult(0, 0, 0)
    assert AuditEntry.objects.filter(action="events.record").count() == 1
