"""CGNAT port-block allocations: the CSV layout and Juniper's syslog lines."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.leases import CGNAT_VENDORS, NeedsTimezone, read_leases

COLUMNS = ("public_ip", "port_from", "port_to", "inside_ip", "start", "end", "evidence")


def test_it_reads_allocations_from_csv(lease_file, rows) -> None:
    read = read_leases([lease_file("cgnat-blocks.csv")], "cgnat")
    assert read.leases.num_rows == 0
    assert rows(read.cgnat, *COLUMNS) == [
        ("203.0.113.7", 1024, 1535, "100.64.0.5", "2026-11-30T10:00:00Z",
         "2026-11-30T11:00:00Z", "cgnat-blocks.csv:2"),
        ("203.0.113.7", 1536, 2047, "100.64.0.6", "2026-11-30T10:30:00Z", None,
         "cgnat-blocks.csv:3"),
    ]  # fmt: skip
    assert [(bad.line, bad.reason) for bad in read.summary.samples] == [
        (4, "ports: port range 2048-1536 is not within 0-65535, low to high"),
        (5, "ports: port range 70000-70511 is not within 0-65535, low to high"),
        (6, "inside_ip: part '300' is above 255"),
    ]


def test_it_pairs_juniper_allocations_with_their_releases(lease_file, rows) -> None:
    read = read_leases([lease_file("juniper-pba.log")], "cgnat")
    assert rows(read.cgnat, *COLUMNS) == [
        ("203.0.113.7", 1024, 1535, "100.64.0.5", "2026-11-30T10:00:00.123000Z",
         "2026-11-30T11:00:00Z", "juniper-pba.log:1"),
        ("203.0.113.7", 1536, 2047, "100.64.0.6", "2026-11-30T10:30:00Z", None,
         "juniper-pba.log:3"),
    ]  # fmt: skip


def test_it_counts_other_syslog_lines_as_skipped_and_reports_bad_ones(lease_file) -> None:
    summary = read_leases([lease_file("juniper-pba.log")], "cgnat").summary
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (8, 3, 4, 1)
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (5, "a release without its allocation: when the block was taken is unknown"),
        (6, "address '100.64.0.300': part '300' is above 255"),
        (7, "is a Juniper port-block message of an unknown shape (cut short?)"),
        (8, "has no time with a year (RFC 3164 syslog): log with RFC 3339 times "
            "(rsyslog RSYSLOG_FileFormat)"),
    ]  # fmt: skip


def test_it_needs_a_timezone_for_a_device_time_without_an_offset(lease_file, rows) -> None:
    with pytest.raises(NeedsTimezone, match=r"juniper-pba-device-time\.log"):
        read_leases([lease_file("juniper-pba-device-time.log")], "cgnat")
    read = read_leases(
        [lease_file("juniper-pba-device-time.log")], "cgnat", tz=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert rows(read.cgnat, "inside_ip", "start") == [("100.64.0.20", "2026-11-30T10:00:00Z")]


def test_it_reads_csv_and_syslog_files_in_one_go_keeping_a_block_seen_twice_once(
    lease_file, rows
) -> None:
    read = read_leases([lease_file("cgnat-blocks.csv"), lease_file("juniper-pba.log")], "cgnat")
    # 100.64.0.6's open block from 10:30 is in both files: kept once, with the CSV's evidence
    assert rows(read.cgnat, "inside_ip", "evidence") == [
        ("100.64.0.5", "cgnat-blocks.csv:2"),
        ("100.64.0.6", "cgnat-blocks.csv:3"),
        ("100.64.0.5", "juniper-pba.log:1"),
    ]
    assert read.summary.read == 13 == read.summary.used + read.summary.bad + read.summary.skipped


def test_it_finds_vendors_in_one_table() -> None:
    assert sorted(CGNAT_VENDORS) == ["juniper"]
    assert CGNAT_VENDORS["juniper"]("an unrelated syslog line") is None
