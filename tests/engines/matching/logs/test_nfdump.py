from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.logs import NeedsTimezone
from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (
        record["client_ip"],
        record["client_port"],
        record["dst_ip"],
        record["dst_port"],
        record["evidence"],
    )


def test_it_reads_nfdump_16_csv_and_skips_its_summary(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, utc: Callable
) -> None:
    records, summary = read(fixture("nfdump/flows-1.6.csv"), "nfdump", tz=hcm)

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 51000, "198.51.100.7", 443, "flows-1.6.csv:2"),
        ("2001:db8::1", 51001, "2001:db8::7", 8080, "flows-1.6.csv:3"),
        ("192.0.2.6", 0, "198.51.100.8", None, "flows-1.6.csv:4"),  # ICMP 8.0: no port
    ]
    assert [record["ts"] for record in records[:2]] == [
        utc("2026-11-30T03:00:01"),
        utc("2026-11-30T03:00:02.25"),
    ]
    # a bad address, no time (0000-00-00), a cut-short line, port 70000
    assert [bad.line for bad in summary.samples] == [5, 6, 7, 8]
    # header + "Summary" + its column names + its totals
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (11, 3, 4, 4)


def test_it_reads_the_column_names_of_nfdump_17_csv(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, utc: Callable
) -> None:
    records, summary = read(fixture("nfdump/flows-1.7.csv"), "nfdump", tz=hcm)

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 51000, "198.51.100.7", 443, "flows-1.7.csv:2"),
        ("2001:db8::1", 5353, "2001:db8::53", 53, "flows-1.7.csv:3"),
        ("192.0.2.6", 0, "198.51.100.8", None, "flows-1.7.csv:4"),
    ]
    assert records[0]["ts"] == utc("2026-11-30T03:00:01.123")
    assert [bad.line for bad in summary.samples] == [5]
    assert "not-an-address" in summary.samples[0].reason


def test_it_reads_csv_fast_epoch_milliseconds_without_tz(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, summary = read(fixture("nfdump/flows-fast.csv"), "nfdump")

    assert [(record["ts"], record["client_ip"], record["dst_port"]) for record in records] == [
        (utc("2026-11-30T03:00:01.123"), "192.0.2.5", 443),
        (utc("2026-11-30T03:00:02"), "2001:db8::1", 53),
    ]
    assert summary.bad == 0


def test_it_refuses_nfdump_wall_clock_times_without_a_timezone(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    with pytest.raises(NeedsTimezone, match="nfdump"):
        read(fixture("nfdump/flows-1.6.csv"), "nfdump")


def test_it_reads_output_without_a_header_in_nfdump_16_order(
    read: Read, tmp_path: Path, hcm: ZoneInfo
) -> None:
    flows = tmp_path / "quiet.csv"
    flows.write_text("2026-11-30 10:00:01,2026-11-30 10:00:02,1.000,192.0.2.5,198.51.100.7,1,53\n")

    records, _ = read(flows, "nfdump", tz=hcm)

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 1, "198.51.100.7", 53, "quiet.csv:1")
    ]


def test_it_finds_the_header_behind_a_byte_order_mark(
    read: Read, fixture: Callable[[str], Path], tmp_path: Path, hcm: ZoneInfo
) -> None:
    marked = tmp_path / "flows.csv"
    marked.write_bytes(b"\xef\xbb\xbf" + fixture("nfdump/flows-1.7.csv").read_bytes())

    records, summary = read(marked, "nfdump", tz=hcm)

    assert len(records) == 3
    assert summary.bad == 1
