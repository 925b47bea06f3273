"""Feodo Tracker C2 blocklist, CSV and JSON: botnet C2 servers in, events out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats import feodo
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Parser,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feodo"
C2: dict[str, FieldValue] = {
    "feed.name": "feodo-ipblocklist",
    "feed.provider": "abuse.ch",
    "tlp": "CLEAR",
    "classification.type": "c2-server",
    "classification.taxonomy": "malicious-code",
}


def _options(**changes: Any) -> ParseOptions:
    values: dict[str, Any] = {
        "feed_name": "feodo-ipblocklist",
        "provider": "abuse.ch",
        "tlp": "CLEAR",
    }
    values.update(changes)
    return ParseOptions(**values)


def _parse(
    name: str, options: ParseOptions | None = None, parser: Parser = feodo.parse
) -> list[Row]:
    [source] = open_sources(FIXTURES / name)
    return list(parser(source, options or _options()))


def _accepted(rows: list[Row]) -> dict[int, dict[str, FieldValue]]:
    return {row.row: row.fields for row in rows if isinstance(row, Accepted)}


def _rejected(rows: list[Row]) -> dict[int, str | None]:
    return {row.row: row.field for row in rows if isinstance(row, Rejected)}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


EXPECTED_CSV: dict[int, dict[str, FieldValue]] = {
    10: {**C2, "time.source": _at("2021-01-17 07:44:46"), "source.ip": "51.178.161.32",
         "source.port": 4643, "status": "online", "extra.last_online": "2021-08-18",
         "malware.name": "dridex"},
    11: {**C2, "time.source": _at("2021-05-02 11:20:00"), "source.ip": "203.0.113.15",
         "source.port": 443, "status": "offline", "malware.name": "emotet"},
    # No first_seen_utc: the day it was last online, at midnight UTC.
    12: {**C2, "time.source": _at("2021-08-01 00:00:00"), "source.ip": "198.51.100.31",
         "source.port": 8080, "status": "offline", "extra.last_online": "2021-08-01",
         "malware.name": "qakbot"},
    14: {**C2, "time.source": _at("2021-07-01 00:15:00"), "source.ip": "2001:db8::31",
         "source.port": 995, "status": "online", "extra.last_online": "2021-08-17",
         "malware.name": "bazarloader"},
}  # fmt: skip

EXPECTED_CSV_REJECTS: dict[int, str | None] = {
    13: "source.ip",  # 203.0.113.256
    15: "time.source",  # neither first_seen_utc nor last_online
    16: "source.port",  # 70000
}

EXPECTED_JSON: dict[int, dict[str, FieldValue]] = {
    1: {**C2, "time.source": _at("2021-01-17 07:44:46"), "source.ip": "51.178.161.32",
        "source.port": 4643, "status": "online", "source.reverse_dns": "vps-1234.host.example",
        "source.asn": 64501, "source.as_name": "EXAMPLE-HOSTING", "source.geolocation.cc": "FR",
        "extra.last_online": "2021-08-18", "malware.name": "dridex"},
    2: {**C2, "time.source": _at("2021-08-02 00:00:00"), "source.ip": "198.51.100.41",
        "source.port": 443, "status": "offline", "source.asn": 64502,
        "source.as_name": "EXAMPLE-NET", "source.geolocation.cc": "VN",
        "extra.last_online": "2021-08-02", "malware.name": "qakbot"},
    5: {**C2, "time.source": _at("2021-08-10 12:00:00"), "source.ip": "2001:db8::41",
        "source.port": 8080, "status": "online", "extra.last_online": "2021-08-17",
        "malware.name": "trickbot"},
}  # fmt: skip

EXPECTED_JSON_REJECTS: dict[int, str | None] = {
    3: "source.ip",  # not-an-ip
    4: None,  # a string, not an object
    6: "time.source",  # neither first_seen nor last_online
}


def test_it_turns_each_csv_row_into_a_c2_server_event() -> None:
    assert _accepted(_parse("ipblocklist.csv")) == EXPECTED_CSV


def test_it_rejects_the_awkward_csv_rows_naming_the_field() -> None:
    assert _rejected(_parse("ipblocklist.csv")) == EXPECTED_CSV_REJECTS


def test_it_reads_crlf_lines_and_skips_the_footer_comment() -> None:
    rows = _parse("ipblocklist.csv")

    assert [row.row for row in rows] == list(range(10, 17))
    assert (
        rows[0].raw == '"2021-01-17 07:44:46","51.178.161.32","4643","online","2021-08-18","Dridex"'
    )


def test_it_turns_each_json_object_into_a_c2_server_event() -> None:
    assert _accepted(_parse("ipblocklist.json")) == EXPECTED_JSON


def test_it_rejects_the_awkward_json_elements_naming_the_field() -> None:
    rows = _parse("ipblocklist.json")

    assert _rejected(rows) == EXPECTED_JSON_REJECTS
    assert [row.row for row in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[3].raw == '"198.51.100.42"'


def test_it_records_json_keys_it_does_not_know() -> None:
    options = _options()

    _parse("ipblocklist.json", options)

    assert options.unknown_columns == ["tags"]


def test_it_keeps_each_json_object_compactly_as_the_raw_evidence() -> None:
    row = _parse("ipblocklist.json")[4]

    assert row.raw.startswith('{"ip_address":"2001:db8::41","port":"8080",')


@pytest.mark.parametrize(
    ("name", "parser"),
    [
        ("ipblocklist.csv", feodo.parse),
        ("ipblocklist.csv", feodo.parse_csv),
        ("ipblocklist.json", feodo.parse),
        ("ipblocklist.json", feodo.parse_json),
    ],
)
def test_its_accepted_fields_are_what_core_builds_from_them(name: str, parser: Parser) -> None:
    accepted = _accepted(_parse(name, parser=parser))

    assert accepted
    for fields in accepted.values():
        assert Event.from_dict(fields) == fields


def test_it_gives_the_same_rows_for_the_same_input() -> None:
    assert _parse("ipblocklist.json") == _parse("ipblocklist.json")
    assert _parse("ipblocklist.csv") == _parse("ipblocklist.csv")


def test_it_refuses_truncated_json_as_a_whole() -> None:
    with pytest.raises(FeedFormatError, match=r"truncated\.json: is not JSON"):
        _parse("truncated.json")


def test_it_refuses_json_that_is_not_a_list() -> None:
    source = text_source("one.json", '{"ip_address": "192.0.2.1"}')

    with pytest.raises(FeedFormatError, match="not a list"):
        list(feodo.parse_json(source, _options()))


def test_the_options_may_classify_the_feed_otherwise() -> None:
    rows = _parse("ipblocklist.csv", _options(classification_type="blacklist"))

    assert _accepted(rows)[10]["classification.type"] == "blacklist"
    assert _accepted(rows)[10]["classification.taxonomy"] == "other"


def test_it_refuses_a_csv_without_a_dst_ip_column() -> None:
    text = '"first_seen_utc","dst_port"\n"2021-01-17 07:44:46","443"\n'

    with pytest.raises(FeedFormatError, match="dst_ip"):
        list(feodo.parse_csv(text_source("ipblocklist.csv", text), _options()))
