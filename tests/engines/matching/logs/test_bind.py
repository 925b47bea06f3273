from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.logs import NeedsTimezone
from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]

QUERY_LOG = "bind/query.log"


def _key(record: dict) -> tuple:
    return (record["client_ip"], record["client_port"], record["qname"], record["evidence"])


def test_it_reads_the_query_lines_of_every_bind_variant(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, utc: Callable
) -> None:
    records, _ = read(fixture(QUERY_LOG), "bind", tz=hcm)

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 53211, "www.example.com", "query.log:1"),  # upper case
        ("192.0.2.6", 40000, "a.b.evil.example", "query.log:2"),  # category prefix, end dot
        ("2001:db8::1", 5353, "xn--bcher-kva.example", "query.log:3"),  # no @0x, IPv6
        ("192.0.2.7", 1025, "evil.example", "query.log:5"),  # IPv4-mapped, a view
        ("192.0.2.9", 53211, "5.2.0.192.in-addr.arpa", "query.log:10"),  # BIND 9.8 layout
    ]
    assert {record["kind"] for record in records} == {"dns"}
    assert [record["ts"] for record in records[:3]] == [
        utc("2026-11-30T03:00:01.123"),
        utc("2026-11-30T03:00:02.456"),
        utc("2026-11-30T03:00:03"),
    ]
    assert all(record["dst_ip"] is None and record["url"] is None for record in records)


def test_it_counts_cut_short_and_garbage_lines_as_bad_with_their_line_numbers(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo
) -> None:
    _, summary = read(fixture(QUERY_LOG), "bind", tz=hcm)

    assert [(bad.source, bad.line) for bad in summary.samples] == [
        ("query.log", 7),
        ("query.log", 8),
        ("query.log", 11),
        ("query.log", 14),
    ]
    assert "192.0.2.300" in summary.samples[0].reason
    assert summary.samples[1].text.endswith("192.0.2.5#532")
    assert summary.bad == 4


def test_it_skips_other_messages_blank_lines_and_names_that_are_no_domain(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo
) -> None:
    # wpad (one label), "query failed", the blank line, a zone message and the root ".".
    _, summary = read(fixture(QUERY_LOG), "bind", tz=hcm)

    assert summary.skipped == 5
    assert (summary.read, summary.used) == (14, 5)


def test_it_refuses_a_bind_log_with_local_times_without_a_timezone(
    fixture: Callable[[str], Path], read: Read
) -> None:
    with pytest.raises(NeedsTimezone, match="--tz"):
        read(fixture(QUERY_LOG), "bind")


def test_it_reads_iso_8601_times_with_a_zone_without_tz(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, summary = read(fixture("bind/query-iso-utc.log"), "bind")

    assert [record["ts"] for record in records] == [
        utc("2026-11-30T03:00:01.123"),
        utc("2026-11-30T03:00:02"),
    ]
    assert [(bad.line, "syslog" in bad.reason) for bad in summary.samples] == [(3, True)]


def test_it_reads_windows_line_endings_like_unix_ones(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, tmp_path: Path
) -> None:
    crlf = tmp_path / "query.log"
    crlf.write_bytes(fixture(QUERY_LOG).read_bytes().replace(b"\n", b"\r\n"))

    records, summary = read(crlf, "bind", tz=hcm)

    assert [_key(record) for record in records] == [
        _key(record) for record in read(fixture(QUERY_LOG), "bind", tz=hcm)[0]
    ]
    assert summary.bad == 4
