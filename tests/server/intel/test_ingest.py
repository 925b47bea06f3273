"""Ingesting a Shadowserver sinkhole report: events aggregated, attributed, rejects kept."""

import datetime as dt
from pathlib import Path

import pytest

from cleannet.engines.feeds import FeedFormatError, ParseOptions, text_source
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import services
from cleannet.server.intel.ingest import ingest_sources, options_for_feed, sources_from_paths
from cleannet.server.intel.models import Event, Evidence, FeedRun, RejectedRow
from cleannet.server.networks.index import forget_prefix_indexes

pytestmark = pytest.mark.django_db

SINKHOLE = Path(__file__).parent / "fixtures" / "2026-03-04-event4_sinkhole-songhong-asn.csv"
MARCH_4 = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _fresh_prefix_index() -> None:
    forget_prefix_indexes()


def ingest(paths: list[Path] | None = None, feed=None, **kwargs) -> FeedRun:
    sources = sources_from_paths(paths or [SINKHOLE])
    return ingest_sources(feed, sources, "shadowserver", options_for_feed(feed), **kwargs)


def test_it_counts_every_row_of_the_report_and_the_counts_reconcile(networks) -> None:
    run = ingest()
    assert (run.read, run.accepted, run.rejected, run.duplicates) == (15, 9, 5, 1)
    assert run.read == run.accepted + run.rejected + run.duplicates
    assert run.status == FeedRun.Status.PARTIAL
    assert (run.events_created, run.events_merged) == (6, 0)
    assert run.format == "shadowserver"
    assert run.source_name == SINKHOLE.name
    assert run.last_row == 16


def test_it_aggregates_the_repeats_of_a_device_per_day_with_first_and_last_seen(networks) -> None:
    ingest()
    day = Event.objects.get(source_ip="203.0.113.5", first_seen__lt=MARCH_4 + dt.timedelta(days=1))
    assert day.count == 4
    assert day.first_seen == MARCH_4.replace(minute=1)
    assert day.last_seen == MARCH_4.replace(hour=23, minute=59, second=59)
    next_day = Event.objects.get(source_ip="203.0.113.5", first_seen__gte=MARCH_4.replace(day=5))
    assert next_day.count == 1
    assert Event.objects.count() == 6


def test_it_attributes_events_to_the_holder_of_the_prefix(personas, networks) -> None:
    ingest()
    device = Event.objects.get(source_ip="203.0.113.9")
    assert (device.owner, device.prefix) == (personas.isp_org, networks.isp_v4)
    assert Event.objects.get(source_ip="2001:db8:a::7").prefix == networks.isp_v6
    assert Event.objects.get(source_ip="198.51.100.20").owner == personas.other_isp_org
    assert Event.objects.get(source_ip="192.0.2.44").owner is None


def test_it_fills_the_asn_and_network_the_feed_did_not_give(networks) -> None:
    ingest()
    device = Event.objects.get(source_ip="203.0.113.9")
    assert device.source_asn == 64500
    assert device.data["source.asn"] == 64500
    assert device.data["source.network"] == "203.0.113.0/24"
    assert "source.network" not in Event.objects.get(source_ip="192.0.2.44").data


def test_it_keeps_the_event_fields_with_intelmq_names(networks) -> None:
    ingest()
    device = Event.objects.get(source_ip="203.0.113.9")
    assert device.classification_type == "infected-system"
    assert device.classification_identifier == "mirai"
    assert device.data["time.source"] == "2026-03-04T00:07:00+00:00"
    assert device.data["product.vendor"] == "Hikvision"
    assert device.time_source == MARCH_4.replace(minute=7)


def test_it_links_the_event_to_the_family_its_malware_names(networks) -> None:
    mirai = services.add_family(None, "Mirai", "botnet")
    ingest()
    assert Event.objects.get(source_ip="203.0.113.9").family == mirai
    assert Event.objects.get(source_ip="2001:db8:a::7").family is None


def test_it_keeps_each_rejected_row_with_its_row_field_and_reason(networks) -> None:
    run = ingest()
    rejected = {r.row: r for r in RejectedRow.objects.filter(run=run)}
    assert sorted(rejected) == [8, 9, 10, 11, 15]
    assert (rejected[8].field, rejected[8].reason) == (
        "source.ip",
        "is not an IPv4 or IPv6 address",
    )
    assert rejected[9].field == "time.source"
    assert rejected[11].reason == "looks like a spreadsheet formula"
    assert rejected[15].field == ""
    assert rejected[15].raw == '"2026-03-04 00:17:00","tcp","203.0.113.12",2323'
    assert {r.source_name for r in rejected.values()} == {SINKHOLE.name}


def test_it_keeps_the_first_observed_line_as_evidence_of_the_event(networks) -> None:
    ingest()
    device = Event.objects.select_related("evidence").get(source_ip="203.0.113.9")
    assert device.evidence is not None
    assert device.evidence.row == 7
    assert device.evidence.source_name == SINKHOLE.name
    assert device.evidence.text.startswith('"2026-03-04 00:07:00","udp","203.0.113.9"')
    assert Evidence.objects.count() == 6


def test_it_writes_one_audit_entry_for_the_whole_run(networks) -> None:
    before = AuditEntry.objects.count()
    run = ingest()
    entries = AuditEntry.objects.order_by("id")[before:]
    assert [(e.action, e.object_id) for e in entries] == [("feed_run.ingest", str(run.pk))]
    assert entries[0].after["read"] == 15


def test_it_stores_the_run_under_its_feed_with_the_feed_name_on_events(networks) -> None:
    feed = services.add_feed(None, "shadowserver-sinkhole", "Shadowserver", "shadowserver")
    run = ingest(feed=feed)
    assert run.feed == feed
    device = Event.objects.get(source_ip="203.0.113.9")
    assert device.feed == feed
    assert device.data["feed.name"] == "shadowserver-sinkhole"
    assert device.tlp == "AMBER"


def test_it_records_the_header_columns_the_format_does_not_know(networks) -> None:
    text = SINKHOLE.read_text().replace('"event_id"', '"event_id","brand_new_column"', 1)
    source = text_source(SINKHOLE.name, text)
    run = ingest_sources(None, [source], "shadowserver", ParseOptions())
    assert run.unknown_columns == ["brand_new_column"]


def test_it_reports_progress_in_rows_read(networks) -> None:
    seen: list[int] = []
    ingest(progress=seen.append, batch_rows=4)
    assert seen == [4, 8, 12, 15]


def test_it_refuses_an_unknown_format_before_opening_a_run(networks) -> None:
    with pytest.raises(FeedFormatError, match="not a known feed format"):
        ingest_sources(None, [], "nonsense", ParseOptions())
    assert not FeedRun.objects.exists()
