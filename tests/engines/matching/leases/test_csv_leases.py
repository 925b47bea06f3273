"""The simple lease CSV: subscriber,ip,start,end in ISO 8601 (UTC), an empty end = still held."""

from __future__ import annotations

from cleannet.engines.matching.leases import read_leases

COLUMNS = ("subscriber", "ip", "start", "end", "evidence")


def test_it_reads_leases_with_offsets_and_utc_times(lease_file, rows) -> None:
    read = read_leases([lease_file("leases.csv")], "csv")
    assert rows(read.leases, *COLUMNS) == [
        ("alice", "203.0.113.10", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z", "leases.csv:3"),
        ("bob", "203.0.113.10", "2026-11-30T11:00:00Z", None, "leases.csv:4"),
        ("carol", "203.0.113.11", "2026-11-30T03:00:00Z", "2026-11-30T04:00:00Z", "leases.csv:6"),
        ("dave", "203.0.113.11", "2026-11-30T03:30:00Z", "2026-11-30T05:00:00Z", "leases.csv:7"),
        ("erin", "203.0.113.12", "2026-11-30T10:00:00Z", "2026-11-30T12:00:00Z", "leases.csv:8"),
        ("frank", "2001:db8::a", "2026-11-30T10:00:00Z", None, "leases.csv:9"),
    ]


def test_it_counts_comments_and_blank_rows_as_skipped_and_says_why_rows_are_bad(
    lease_file,
) -> None:
    summary = read_leases([lease_file("leases.csv")], "csv").summary
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (13, 6, 5, 2)
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (10, "has no subscriber"),
        (11, "ip: part '300' is above 255"),
        (12, "a time is not ISO 8601: Invalid isoformat string: 'yesterday'"),
        (13, "ends before it starts (or holds for no time)"),
        (14, "has 5 fields; expected 4: subscriber,ip,start,end"),
    ]


def test_it_reads_a_file_without_a_header_in_the_declared_column_order(rows, tmp_path) -> None:
    bare = tmp_path / "leases.csv"
    bare.write_text("alice,203.0.113.10,2026-11-30T10:00:00Z\n")
    read = read_leases([bare], "csv")
    assert rows(read.leases, "subscriber", "ip", "start", "end") == [
        ("alice", "203.0.113.10", "2026-11-30T10:00:00Z", None)
    ]


def test_it_reads_columns_in_the_order_the_header_gives(rows, tmp_path) -> None:
    reordered = tmp_path / "leases.csv"
    reordered.write_text("IP,Start,End,Subscriber\n203.0.113.10,2026-11-30T10:00:00Z,,alice\n")
    read = read_leases([reordered], "csv")
    assert rows(read.leases, "subscriber", "ip") == [("alice", "203.0.113.10")]
