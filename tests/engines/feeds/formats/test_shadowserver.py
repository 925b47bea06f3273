"""Shadowserver reports: real header layouts in, IntelMQ-named fields out."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from cleannet.engines.feeds.formats import shadowserver
from cleannet.engines.feeds.formats.shadowserver_schema import reports
from cleannet.engines.feeds.records import Accepted, FeedFormatError, ParseOptions, Rejected
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "shadowserver"
UTC = dt.UTC


def _parse(name: str, options: ParseOptions | None = None) -> list[Accepted | Rejected]:
    (source,) = open_sources(FIXTURES / name)
    return list(shadowserver.parse(source, options or ParseOptions(feed_name="ss")))


def _accepted(rows: list[Accepted | Rejected]) -> list[Accepted]:
    return [row for row in rows if isinstance(row, Accepted)]


def _rejected(rows: list[Accepted | Rejected]) -> dict[int, tuple[str | None, str]]:
    return {row.row: (row.field, row.reason) for row in rows if isinstance(row, Rejected)}


def test_it_maps_a_2021_sinkhole_row_to_infected_system() -> None:
    first = _accepted(_parse("2021-03-04-event4_sinkhole-sample-asn.csv"))[0]
    assert first.row == 2
    assert first.fields == {
        "feed.name": "ss", "feed.provider": "Shadowserver", "feed.code": "event4_sinkhole",
        "classification.taxonomy": "malicious-code", "classification.type": "infected-system",
        "classification.identifier": "victorygate.b", "malware.name": "victorygate.b",
        "extra.family": "victorygate.b", "time.source": dt.datetime(2021, 3, 4, tzinfo=UTC),
        "source.ip": "203.0.113.5", "source.port": 17409, "source.asn": 64500,
        "source.geolocation.cc": "VN", "source.geolocation.region": "HA NOI",
        "source.geolocation.city": "HA NOI", "protocol.transport": "tcp",
        "destination.ip": "198.51.100.2", "destination.port": 4455, "destination.asn": 64499,
        "destination.geolocation.cc": "DE", "destination.geolocation.region": "HESSEN",
        "destination.geolocation.city": "FRANKFURT AM MAIN", "extra.destination.naics": 518210,
        "extra.destination.sector": "Communications, Service Provider, and Hosting Service",
        "extra.public_source": "eset",
    }  # fmt: skip


def test_it_treats_zero_asn_and_naics_as_unknown() -> None:
    row = next(r for r in _parse("2021-03-04-event4_sinkhole-sample-asn.csv") if r.row == 4)
    assert isinstance(row, Accepted)
    assert "source.asn" not in row.fields
    assert "extra.source.naics" not in row.fields
    assert row.fields["product.vendor"] == "Hikvision"
    assert row.fields["product.name"] == "DS-7104"


def test_it_rejects_bad_rows_by_row_and_field_and_keeps_the_good_ones() -> None:
    rows = _parse("2021-03-04-event4_sinkhole-sample-asn.csv")
    rejected = _rejected(rows)
    assert rejected[5] == ("source.ip", "is not an IPv4 or IPv6 address")
    assert rejected[6][0] == "time.source"
    assert rejected[7] == ("source.ip", "is required but empty")
    assert rejected[8] == ("classification.identifier", "looks like a spreadsheet formula")
    assert rejected[10] == (None, "has 4 fields, the header has 30")
    assert len(rows) == 9
    assert [row.row for row in _accepted(rows)] == [2, 3, 4, 9]


def test_it_accepts_ipv6_sources() -> None:
    row = next(r for r in _parse("2021-03-04-event4_sinkhole-sample-asn.csv") if r.row == 9)
    assert isinstance(row, Accepted)
    assert row.fields["source.ip"] == "2001:db8::7"


def test_it_builds_the_url_of_an_http_sinkhole_row_and_records_new_columns() -> None:
    options = ParseOptions(feed_name="ss")
    (row,) = _parse("2026-03-01-event4_sinkhole_http-sample.csv", options)
    assert isinstance(row, Accepted)
    assert row.fields["classification.type"] == "infected-system"
    assert row.fields["protocol.application"] == "http"
    assert row.fields["severity"] == "critical"
    assert row.fields["malware.name"] == "qakbot"
    assert row.fields["destination.fqdn"] == "qb-c2.example"
    assert options.unknown_columns == ["brand_new_column"]


@pytest.mark.parametrize(
    ("name", "taxonomy", "kind", "identifier", "ip"),
    [
        ("2026-03-01-event4_honeypot_brute_force-sample.csv", "intrusion-attempts",
         "brute-force", "ssh", "203.0.113.30"),
        ("2026-03-01-scan_http-sample.csv", "other", "other", "accessible-http", "203.0.113.50"),
        ("2026-03-01-device_id-sample.csv", "other", "undetermined", "device-id", "203.0.113.60"),
        ("2026-03-01-blocklist-sample.csv", "other", "blacklist", "blacklisted-ip", "203.0.113.70"),
    ],
)  # fmt: skip
def test_it_classifies_each_report_type_as_published(name, taxonomy, kind, identifier, ip) -> None:
    (row,) = _parse(name)
    assert isinstance(row, Accepted), row
    assert row.fields["classification.taxonomy"] == taxonomy
    assert row.fields["classification.type"] == kind
    assert row.fields.get("classification.identifier") == identifier
    assert row.fields["source.ip"] == ip


def test_it_names_the_report_type_it_cannot_find() -> None:
    with pytest.raises(FeedFormatError, match="does not name a Shadowserver report"):
        shadowserver.parse(text_source("export.csv", "timestamp,ip\n"), ParseOptions())


def test_it_takes_the_report_type_from_the_options_when_the_file_was_renamed() -> None:
    text = '"timestamp","ip","port"\n"2026-03-01 00:00:00","203.0.113.1",80\n'
    rows = list(shadowserver.parse(text_source("x.csv", text), ParseOptions(variant="scan_http")))
    assert isinstance(rows[0], Accepted)


def test_it_refuses_a_file_without_a_required_column() -> None:
    text = '"timestamp","src_port"\n"2026-03-01 00:00:00",80\n'
    name = "2026-03-01-event4_sinkhole-x.csv"
    with pytest.raises(FeedFormatError, match="lacks required column"):
        shadowserver.parse(text_source(name, text), ParseOptions())


def _sample_value(column: str, target: str, conversion: str) -> str:
    by_conversion = {
        "add_UTC_to_timestamp": "2026-03-01 10:00:00", "convert_int": "1", "invalidate_zero": "7",
        "convert_float": "1.5", "convert_bool": "Y", "convert_date": "2026-03-01 10:00:00",
        "convert_date_utc": "2026-03-01 10:00:00", "validate_network": "203.0.113.0/24",
        "validate_fqdn": "host.example.com", "extract_cve_from_tag": "cve-2021-44228;x",
        "convert_http_host_and_url": "/index.html",
    }  # fmt: skip
    if conversion in by_conversion:
        return by_conversion[conversion]
    by_target = {
        ".ip": "203.0.113.7", ".port": "443", ".asn": "64500", ".cc": "VN",
        ".fqdn": "a.example.com",
        ".url": "http://a.example.com/x", ".md5": "d41d8cd98f00b204e9800998ecf8427e",
        ".sha1": "da39a3ee5e6b4b0d3255bfef95601890afd80709", ".reverse_dns": "a.example.com",
        ".sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ".network": "203.0.113.0/24", "severity": "high", ".local_hostname": "pc1",
    }  # fmt: skip
    return next((v for suffix, v in by_target.items() if target.endswith(suffix)), "x")


def _published_headers() -> dict[str, list[str]]:
    published = json.loads((FIXTURES / "reports.json").read_text(encoding="utf-8"))
    return {name: body["fields"] for name, body in published.items()}


@pytest.mark.parametrize(("report_type", "header"), sorted(_published_headers().items()))
def test_it_parses_every_published_report_type(report_type: str, header: list[str]) -> None:
    report = reports()[report_type]
    rules = {}
    for rule in report.rules:  # a required rule's value wins where two rules share a column
        if rule.column not in rules or rule.required:
            rules[rule.column] = rule
    values = []
    for column in header:
        rule = rules.get(column)
        values.append(_sample_value(column, rule.target, rule.conversion) if rule else "x")
    line = ",".join(f'"{value}"' for value in values)
    text = ",".join(f'"{name}"' for name in header) + "\n" + line + "\n"
    source = text_source(f"2026-03-01-{report_type}-test.csv", text)
    (row,) = shadowserver.parse(source, ParseOptions(feed_name="ss"))
    assert isinstance(row, Accepted), row
    assert row.fields["time.source"] == dt.datetime(2026, 3, 1, 10, tzinfo=UTC)
    assert "classification.type" in row.fields
