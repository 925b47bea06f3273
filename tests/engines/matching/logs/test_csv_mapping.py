from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.logs import LogMappingError, NeedsTimezone
from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]
DNS_MAPPING = {"ts": "time", "client_ip": "src", "client_port": "sport", "qname": "query"}
FLOW_MAPPING = {"ts": "ts", "client_ip": "src", "dst_ip": "dst", "dst_port": "dport"}


def test_it_reads_a_csv_export_through_its_column_mapping(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, _ = read(fixture("csv/dns-export.csv"), "csv", mapping=DNS_MAPPING)

    assert [
        (record["ts"], record["client_ip"], record["client_port"], record["qname"])
        for record in records
    ] == [
        (utc("2026-11-30T03:00:01"), "192.0.2.5", 53211, "www.example.com"),  # +07:00
        (utc("2026-11-30T03:00:02"), "2001:db8::1", None, "a.b.evil.example"),  # Z, end dot
        (utc("2026-11-30T03:00:03.25"), "192.0.2.7", 1024, "xn--bcher-kva.example"),  # epoch
        (utc("2026-11-30T03:00:08"), "192.0.2.8", 2, "evil.example"),
    ]
    assert {record["kind"] for record in records} == {"dns"}


def test_it_numbers_csv_rows_by_their_line_around_refused_and_empty_lines(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    records, summary = read(fixture("csv/dns-export.csv"), "csv", mapping=DNS_MAPPING)

    assert [record["evidence"] for record in records] == [
        "dns-export.csv:2",
        "dns-export.csv:3",
        "dns-export.csv:4",
        "dns-export.csv:11",
    ]
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (5, "client address missing or not an address"),
        (6, "client port is not a number from 0 to 65535"),
        (7, "time is not usable"),
        (8, "has 3 fields, the header has 4"),
    ]
    # the empty line and the single-label name "wpad"
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (10, 4, 4, 2)


def test_it_reads_local_times_in_tz_and_infers_flows_from_a_destination_column(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, utc: Callable
) -> None:
    records, summary = read(fixture("csv/flows-local.csv"), "csv", tz=hcm, mapping=FLOW_MAPPING)

    assert [
        (record["kind"], record["ts"], record["dst_ip"], record["dst_port"]) for record in records
    ] == [
        ("flow", utc("2026-11-30T03:00:01"), "198.51.100.7", 443),
        ("flow", utc("2026-11-30T03:00:02.5"), "2001:db8::7", 8080),
    ]
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (4, "flow without a destination address")
    ]


def test_it_refuses_zoneless_csv_times_without_tz(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    with pytest.raises(NeedsTimezone, match="--tz"):
        read(fixture("csv/flows-local.csv"), "csv", mapping=FLOW_MAPPING)


def test_it_takes_the_name_and_address_of_a_mapped_url_and_a_kind_constant(
    read: Read, tmp_path: Path
) -> None:
    log = tmp_path / "proxy.csv"
    log.write_text(
        "\ufeffwhen\tuser_ip\tlink\n"  # a BOM, tabs
        "1796007601\t192.0.2.5\tHTTP://Evil.Example/a/./b?x=1\n"
        "1796007602\t192.0.2.5\thttp://198.51.100.9:8080/gate\n"
        "1796007603\t192.0.2.5\t/no/host\n"
    )
    mapping = {"kind": "http", "ts": "when", "client_ip": "user_ip", "url": "link"}

    records, summary = read(log, "csv", mapping=mapping)

    assert [(record["qname"], record["dst_ip"], record["url"]) for record in records] == [
        ("evil.example", None, "http://evil.example/a/b?x=1"),
        (None, "198.51.100.9", "http://198.51.100.9/gate"),
    ]
    assert [(bad.line, bad.reason) for bad in summary.samples] == [(4, "url is not a URL")]


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"ts": "time", "client_ip": "source", "qname": "query"}, "no column"),
        ({"ts": "time", "client_ip": "src", "query": "query"}, "unknown fields"),
        ({"client_ip": "src", "qname": "query"}, "'ts'"),
        ({"ts": "time", "client_ip": "src"}, "nothing to match"),
        ({"ts": "time", "client_ip": "src", "qname": "query", "kind": "smtp"}, "kind 'smtp'"),
    ],
)
def test_it_refuses_a_mapping_that_does_not_fit_the_csv(
    read: Read, fixture: Callable[[str], Path], mapping: dict[str, str], message: str
) -> None:
    with pytest.raises(LogMappingError, match=message):
        read(fixture("csv/dns-export.csv"), "csv", mapping=mapping)


def test_it_reads_an_empty_csv_as_no_records(read: Read, tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("")

    records, summary = read(tmp_path / "empty.csv", "csv", mapping=DNS_MAPPING)

    assert (records, summary.read) == ([], 0)
