"""Generic CSV: a headed CSV and the registry's column map in, events out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats import genericcsv
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "genericcsv"
COLUMN_MAP = {
    "reported_at": "time.source",
    "ip": "source.ip",
    "port": "source.port",
    "hostname": "source.fqdn",
    "category": "classification.type",
    "note": "extra.note",
}
SCAN: dict[str, FieldValue] = {
    "feed.name": "partner-scanners",
    "feed.accuracy": 70.0,
    "tlp": "AMBER",
    "classification.type": "scanner",
    "classification.taxonomy": "information-gathering",
}


def _options(**changes: Any) -> ParseOptions:
    values: dict[str, Any] = {
        "feed_name": "partner-scanners",
        "accuracy": 70,
        "tlp": "TLP:AMBER",
        "column_map": COLUMN_MAP,
    }
    values.update(changes)
    return ParseOptions(**values)


def _parse(name: str, options: ParseOptions | None = None) -> list[Row]:
    [source] = open_sources(FIXTURES / name)
    return list(genericcsv.parse(source, options or _options()))


def _accepted(rows: list[Row]) -> dict[int, dict[str, FieldValue]]:
    return {row.row: row.fields for row in rows if isinstance(row, Accepted)}


def _rejected(rows: list[Row]) -> dict[int, str | None]:
    return {row.row: row.field for row in rows if isinstance(row, Rejected)}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


EXPECTED: dict[int, dict[str, FieldValue]] = {
    2: {**SCAN, "time.source": _at("2026-03-04 10:00:00"), "source.ip": "192.0.2.20",
        "source.port": 23, "extra.note": "telnet sweep"},
    3: {**SCAN, "time.source": _at("2026-03-04 10:05:00"), "source.fqdn": "bad-host.example"},
    4: {**SCAN, "time.source": _at("2026-03-04 10:10:00"), "source.ip": "2001:db8::20",
        "source.port": 2323, "source.fqdn": "cam.bad-host.example",
        "extra.note": "IoT camera, default password"},
    # "brute force" in the category column: the row's type wins over the feed's.
    9: {**SCAN, "classification.type": "brute-force",
        "classification.taxonomy": "intrusion-attempts", "time.source": _at("2026-03-04 10:35:00"),
        "source.ip": "192.0.2.24", "source.port": 22},
}  # fmt: skip

EXPECTED_REJECTS: dict[int, str | None] = {
    5: "observable",  # neither ip nor hostname
    6: "source.port",  # 70000
    7: "extra.note",  # =cmd|' /C calc'!A0
    8: "time.source",  # 04/03/2026 10:30
    10: None,  # the truncated last line (an unclosed quote)
}


def test_it_maps_each_column_to_its_event_field() -> None:
    assert _accepted(_parse("partner_report.csv")) == EXPECTED


def test_it_rejects_the_awkward_rows_naming_the_field() -> None:
    rows = _parse("partner_report.csv")

    assert _rejected(rows) == EXPECTED_REJECTS
    assert [row.row for row in rows] == list(range(2, 11))


def test_it_records_the_columns_the_map_does_not_name() -> None:
    options = _options()

    _parse("partner_report.csv", options)

    assert options.unknown_columns == ["seen_by"]


def test_its_accepted_fields_are_what_core_builds_from_them() -> None:
    for fields in _accepted(_parse("partner_report.csv")).values():
        assert Event.from_dict(fields) == fields


def test_it_gives_the_same_rows_for_the_same_input() -> None:
    assert _parse("partner_report.csv") == _parse("partner_report.csv")


def test_it_refuses_a_mapped_column_missing_from_the_header() -> None:
    options = _options(column_map={**COLUMN_MAP, "confidence": "extra.confidence"})

    with pytest.raises(FeedFormatError, match="no column named confidence"):
        _parse("partner_report.csv", options)


def test_it_refuses_a_map_to_a_field_that_does_not_exist() -> None:
    options = _options(column_map={**COLUMN_MAP, "seen_by": "source.sensor"})

    with pytest.raises(FeedFormatError, match=r"source\.sensor"):
        _parse("partner_report.csv", options)


def test_it_refuses_a_file_that_gives_no_classification() -> None:
    options = _options(column_map={"reported_at": "time.source", "ip": "source.ip"})

    with pytest.raises(FeedFormatError, match=r"classification\.type"):
        _parse("partner_report.csv", options)


def test_it_refuses_a_file_that_gives_no_time() -> None:
    options = _options(column_map={"ip": "source.ip"}, classification_type="scanner")

    with pytest.raises(FeedFormatError, match=r"time\.source"):
        _parse("partner_report.csv", options)


def test_the_options_classification_fills_rows_without_one() -> None:
    text = "when,ip\n2026-03-04 11:00:00,192.0.2.30\n"
    options = _options(
        column_map={"when": "time.source", "ip": "source.ip"}, classification_type="ddos"
    )

    [row] = genericcsv.parse(text_source("p.csv", text), options)

    assert isinstance(row, Accepted)
    assert row.fields["classification.type"] == "ddos"
    assert row.fields["classification.taxonomy"] == "availability"


def test_it_matches_header_names_ignoring_case_and_order() -> None:
    text = '# "IP", "When", "URL"\n"192.0.2.31", "2026-03-04 11:00:00", "http://x.example/a b"\n'
    options = _options(
        column_map={"when": "time.source", "ip": "source.ip", "url": "source.url"},
        classification_type="malware-distribution",
    )

    [row] = genericcsv.parse(text_source("p.csv", text), options)

    assert isinstance(row, Accepted)
    assert row.fields["source.url"] == "http://x.example/a%20b"
    assert row.fields["source.fqdn"] == "x.example"
    assert row.fields["source.ip"] == "192.0.2.31"
    assert options.unknown_columns == []


def test_it_refuses_options_without_a_column_map() -> None:
    with pytest.raises(FeedFormatError, match="column_map"):
        _parse("partner_report.csv", _options(column_map={}))


def test_it_refuses_a_feed_option_that_is_not_valid() -> None:
    with pytest.raises(FeedFormatError, match="tlp"):
        _parse("partner_report.csv", _options(tlp="purple"))
