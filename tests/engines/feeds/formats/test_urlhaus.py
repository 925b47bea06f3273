"""URLhaus CSV: dumps and network-operator feeds in, events and rejected rows out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats import urlhaus
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "urlhaus"
FEED: dict[str, FieldValue] = {
    "feed.name": "urlhaus-recent",
    "feed.provider": "abuse.ch",
    "feed.accuracy": 90.0,
    "tlp": "CLEAR",
}
DISTRIBUTION: dict[str, FieldValue] = {
    "classification.type": "malware-distribution",
    "classification.taxonomy": "malicious-code",
    "extra.threat": "malware_download",
}


def _options(**changes: Any) -> ParseOptions:
    values: dict[str, Any] = {
        "feed_name": "urlhaus-recent",
        "provider": "abuse.ch",
        "accuracy": 90,
        "tlp": "clear",
    }
    values.update(changes)
    return ParseOptions(**values)


def _parse(name: str, options: ParseOptions | None = None) -> list[Row]:
    [source] = open_sources(FIXTURES / name)
    return list(urlhaus.parse(source, options or _options()))


def _accepted(rows: list[Row]) -> dict[int, dict[str, FieldValue]]:
    return {row.row: row.fields for row in rows if isinstance(row, Accepted)}


def _rejected(rows: list[Row]) -> dict[int, str | None]:
    return {row.row: row.field for row in rows if isinstance(row, Rejected)}


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _dump_row(number: int, when: str, url: str, **fields: FieldValue) -> dict[str, FieldValue]:
    return {
        **FEED,
        **DISTRIBUTION,
        "extra.urlhaus_id": str(number),
        "time.source": _at(when),
        "source.url": url,
        "event_description.url": f"https://urlhaus.abuse.ch/url/{number}/",
        **fields,
    }


EXPECTED_RECENT: dict[int, dict[str, FieldValue]] = {
    10: _dump_row(
        3821497, "2026-04-14 16:02:21", "http://evil1.example/bin.sh",
        **{"source.fqdn": "evil1.example", "status": "online",
           "extra.last_online": "2026-04-14 16:02:21",
           "extra.tags": ["32-bit", "elf", "mips", "Mozi"], "extra.reporter": "geenensp"},
    ),
    11: _dump_row(
        3821496, "2026-04-14 15:58:02", "http://bücher.example/rechnung.exe",
        **{"source.fqdn": "xn--bcher-kva.example", "status": "online",
           "extra.last_online": "2026-04-14 15:58:02",
           "extra.tags": ["exe", "AgentTesla"], "extra.reporter": "abuse_ch"},
    ),
    12: _dump_row(
        3821495, "2026-04-14 15:40:10", "http://198.51.100.23/files/new%20invoice.exe",
        **{"source.ip": "198.51.100.23", "status": "offline", "extra.reporter": "anonymous"},
    ),
    13: _dump_row(
        3821494, "2026-04-14 15:31:44", "http://[2001:db8::5]:8080/i.sh",
        **{"source.ip": "2001:db8::5", "status": "online",
           "extra.last_online": "2026-04-14 15:31:44",
           "extra.tags": ["elf", "Mirai"], "extra.reporter": "lrz_urlhaus"},
    ),
    14: _dump_row(
        3821493, "2026-04-14 15:30:00", "https://files.shop.example/dl/payload.zip",
        **{"source.fqdn": "files.shop.example", "status": "offline",
           "extra.last_online": "2026-04-14 15:45:12", "extra.reporter": "anonymous"},
    ),
}  # fmt: skip

EXPECTED_RECENT_REJECTS: dict[int, str | None] = {
    15: "time.source",  # 14.04.2026 15:25
    16: "extra.reporter",  # =cmd|' /C calc'!A0
    17: None,  # one field more than the header
    18: "source.url",  # empty
    19: None,  # the truncated last line
}


def test_it_turns_each_dump_row_into_the_expected_event() -> None:
    rows = _parse("csv_recent.csv")

    assert _accepted(rows) == EXPECTED_RECENT


def test_it_rejects_the_awkward_dump_rows_naming_the_field() -> None:
    rows = _parse("csv_recent.csv")

    assert _rejected(rows) == EXPECTED_RECENT_REJECTS
    reasons = {row.row: row.reason for row in rows if isinstance(row, Rejected)}
    assert reasons[17] == "has 10 fields, the header has 9"
    assert reasons[18] == "is required but empty"


def test_it_yields_one_row_per_record_in_input_order() -> None:
    rows = _parse("csv_recent.csv")

    assert [row.row for row in rows] == list(range(10, 20))
    assert len(_accepted(rows)) + len(_rejected(rows)) == 10


def test_it_keeps_each_line_as_the_raw_evidence() -> None:
    lines = (FIXTURES / "csv_recent.csv").read_text(encoding="utf-8").splitlines()

    for row in _parse("csv_recent.csv"):
        assert row.raw == lines[row.row - 1]


def test_its_accepted_fields_are_what_core_builds_from_them() -> None:
    for fields in _accepted(_parse("csv_recent.csv")).values():
        assert Event.from_dict(fields) == fields


def test_it_gives_the_same_rows_for_the_same_input() -> None:
    assert _parse("csv_recent.csv") == _parse("csv_recent.csv")


def test_it_reads_a_2020_dump_without_last_online_with_a_bom_and_crlf() -> None:
    rows = _parse("csv_2020_bom_crlf.csv")

    assert _accepted(rows) == {
        10: _dump_row(
            880001, "2020-12-03 06:01:10", "http://203.0.113.9:39553/Mozi.m",
            **{"source.ip": "203.0.113.9", "status": "online", "extra.tags": ["elf", "Mozi"],
               "extra.reporter": "lrz_urlhaus"},
        ),
        11: _dump_row(
            880000, "2020-12-03 05:59:43", "http://old.site.example/wp-content/x.exe",
            **{"source.fqdn": "old.site.example", "status": "offline",
               "extra.tags": ["exe", "Heodo"], "extra.reporter": "Cryptolaemus1"},
        ),
    }  # fmt: skip
    assert rows[0].raw.startswith('"880001"')


def test_it_reads_the_network_operator_feed_with_its_resolved_ip_asn_and_country() -> None:
    rows = _parse("asn_feed.csv")

    assert _accepted(rows)[11] == {
        **FEED,
        **DISTRIBUTION,
        "time.source": _at("2026-04-14 09:12:40"),
        "source.url": "http://dl.host.example/load.sh",
        "source.fqdn": "dl.host.example",
        "source.ip": "192.0.2.44",
        "source.asn": 64500,
        "source.geolocation.cc": "VN",
        "status": "online",
        "extra.tags": ["elf", "Mozi"],
    }
    assert _accepted(rows)[12]["source.ip"] == "192.0.2.45"
    assert _rejected(rows) == {14: "source.ip"}


def test_it_takes_asn_zero_and_an_empty_country_as_unknown() -> None:
    fields = _accepted(_parse("asn_feed.csv"))[13]

    assert "source.asn" not in fields
    assert "source.geolocation.cc" not in fields


def test_it_leaves_an_unknown_threat_to_the_feed_default() -> None:
    with_default = _accepted(_parse("asn_feed.csv", _options(classification_type="other")))
    without = _accepted(_parse("asn_feed.csv"))

    assert with_default[13]["classification.type"] == "other"
    assert with_default[13]["extra.threat"] == "exploit_kit"
    assert without[13]["classification.type"] == "malware-distribution"
    assert with_default[11]["classification.type"] == "malware-distribution"


def test_it_reads_the_2020_operator_feed_without_tags() -> None:
    options = _options()
    rows = _parse("asn_feed_2020.csv", options)

    assert _accepted(rows) == {
        7: {
            **FEED,
            **DISTRIBUTION,
            "time.source": _at("2020-06-01 09:42:09"),
            "source.url": "http://198.51.100.80/bins/x.arm7",
            "source.ip": "198.51.100.80",
            "source.asn": 64501,
            "source.geolocation.cc": "VN",
            "status": "online",
        }
    }
    assert options.unknown_columns == []


def test_it_reads_reordered_columns_and_records_the_new_ones() -> None:
    text = (
        "# reporter,url,first_seen_by,dateadded,threat,url_status\n"
        '"anonymous","http://evil6.example/z","sensor-9","2026-04-14 10:00:00",'
        '"malware_download","online"\n'
    )
    options = _options()

    [row] = urlhaus.parse(text_source("reordered.csv", text), options)

    assert isinstance(row, Accepted)
    assert row.fields["source.url"] == "http://evil6.example/z"
    assert row.fields["extra.reporter"] == "anonymous"
    assert options.unknown_columns == ["first_seen_by"]


def test_a_field_the_row_sets_wins_over_the_options() -> None:
    options = _options(constants={"status": "unknown", "comment": "from the registry"})

    fields = _accepted(_parse("csv_recent.csv", options))

    assert fields[10]["status"] == "online"
    assert fields[10]["comment"] == "from the registry"


def test_it_refuses_a_file_without_a_url_column_naming_it() -> None:
    text = '# id,dateadded,url_status\n"1","2026-04-14 10:00:00","online"\n'

    with pytest.raises(FeedFormatError, match="url"):
        list(urlhaus.parse(text_source("no-url.csv", text), _options()))


def test_it_refuses_a_file_without_a_header() -> None:
    text = '"1","2026-04-14 10:00:00","http://evil.example/"\n'

    with pytest.raises(FeedFormatError, match="no CSV header"):
        list(urlhaus.parse(text_source("headless.csv", text), _options()))


def test_it_reads_text_that_still_starts_with_a_byte_order_mark() -> None:
    text = '\ufeff# dateadded,url\n"2026-04-14 10:00:00","http://evil7.example/"\n'

    [row] = urlhaus.parse(text_source("bom.csv", text), _options())

    assert isinstance(row, Accepted)
    assert row.fields["source.fqdn"] == "evil7.example"


@pytest.mark.parametrize("when", ["2026-13-45 25:61:00", "2026-02-30 10:00:00"])
def test_it_rejects_a_date_that_does_not_exist(when: str) -> None:
    text = (
        "# dateadded,url\n"
        f'"{when}","http://evil8.example/"\n'
        '"2026-04-14 10:00:00","http://evil9.example/"\n'
    )

    rows = list(urlhaus.parse(text_source("dates.csv", text), _options()))

    assert _rejected(rows) == {2: "time.source"}
    assert set(_accepted(rows)) == {3}
