"""Kea memfile lease CSV, v4 and v6: every held row is an interval [expire - lifetime, expire)."""

from __future__ import annotations

from cleannet.engines.matching.leases import read_leases

COLUMNS = ("subscriber", "ip", "start", "end", "evidence")


def test_it_reads_v4_rows_that_hold_an_address(lease_file, rows) -> None:
    read = read_leases([lease_file("kea-leases4.csv")], "kea")
    assert rows(read.leases, *COLUMNS) == [
        ("00:1a:2b:3c:4d:70", "192.0.2.40", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z",
         "kea-leases4.csv:2"),
        ("00:1a:2b:3c:4d:72", "192.0.2.42", "2026-11-30T11:00:00Z", "2026-11-30T12:00:00Z",
         "kea-leases4.csv:4"),
        ("01:00:1a:2b:3c:4d:73", "192.0.2.43", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z",
         "kea-leases4.csv:6"),
        ("00:1a:2b:3c:4d:74", "192.0.2.44", "2026-11-30T10:00:00Z", None, "kea-leases4.csv:7"),
    ]  # fmt: skip


def test_it_skips_declined_and_deleted_leases(lease_file, rows) -> None:
    read = read_leases([lease_file("kea-leases4.csv")], "kea")
    assert "192.0.2.41" not in {ip for (ip,) in rows(read.leases, "ip")}  # state 1: declined
    # the lifetime-0 row of 192.0.2.40 (a deletion) neither holds nor shortens the first row
    assert rows(read.leases, "ip", "end")[0] == ("192.0.2.40", "2026-11-30T11:00:00Z")
    summary = read.summary
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (9, 4, 3, 2)


def test_it_reports_bad_v4_rows_with_their_line(lease_file) -> None:
    summary = read_leases([lease_file("kea-leases4.csv")], "kea").summary
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (8, "address: part '999' is above 255"),
        (9, "expire 'soon' is not a whole number"),
        (10, "has 4 fields, the header 12"),
    ]


def test_it_reads_v6_rows_by_duid_and_reports_a_delegated_prefix(lease_file, rows) -> None:
    read = read_leases([lease_file("kea-leases6.csv")], "kea")
    assert rows(read.leases, "subscriber", "ip", "start", "end") == [
        ("00:01:00:01:2a:bc:de:f0:08:00:27:00:00:01", "2001:db8:1::10",
         "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z"),
        ("00:01:00:01:2a:bc:de:f0:08:00:27:00:00:02", "2001:db8:1::11",
         "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z"),
    ]  # fmt: skip
    assert [(bad.line, bad.reason) for bad in read.summary.samples] == [
        (4, "is a delegated prefix; a lease here holds one address")
    ]


def test_it_reads_v4_and_v6_files_together(lease_file) -> None:
    read = read_leases([lease_file("kea-leases4.csv"), lease_file("kea-leases6.csv")], "kea")
    assert read.leases.num_rows == 6
    assert read.summary.read == 12 == read.summary.used + read.summary.bad + read.summary.skipped


def test_it_refuses_a_file_that_is_not_a_kea_lease_file(lease_file, tmp_path) -> None:
    other = tmp_path / "leases.csv"
    other.write_text("ip,mac\n192.0.2.1,00:11:22:33:44:55\n")
    summary = read_leases([other], "kea").summary
    assert (summary.read, summary.bad) == (1, 1)
    assert summary.samples[0].reason == "is not a Kea lease file header"
