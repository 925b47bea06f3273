"""FreeRADIUS detail files: Start / Interim-Update / Stop records → lease intervals."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.leases import NeedsTimezone, read_leases

COLUMNS = ("subscriber", "ip", "start", "end", "evidence")


def test_it_builds_one_interval_per_session_and_address(lease_file, rows) -> None:
    read = read_leases([lease_file("detail-20261130")], "radius")
    assert rows(read.leases, *COLUMNS) == [
        ("alice@isp.example", "203.0.113.10", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z",
         "detail-20261130:1"),
        ("bob@isp.example", "203.0.113.11", "2026-11-30T10:15:00Z", None, "detail-20261130:18"),
        ("carol@isp.example", "203.0.113.12", "2026-11-30T11:00:00Z", "2026-11-30T12:00:00Z",
         "detail-20261130:48"),
        ("Erin@ISP.example", "2001:db8::1", "2026-11-30T10:20:00Z", None, "detail-20261130:66"),
        ("Erin@ISP.example", "203.0.113.14", "2026-11-30T10:20:00Z", None, "detail-20261130:66"),
        ("mallory@isp.example", "203.0.113.11", "2026-11-30T11:00:00Z", "2026-11-30T11:30:00Z",
         "detail-20261130:89"),
    ]  # fmt: skip


def test_it_opens_a_session_at_an_interim_update_seen_without_its_start(lease_file, rows) -> None:
    read = read_leases([lease_file("detail-20261130")], "radius")
    bob = [row for row in rows(read.leases, *COLUMNS) if row[0] == "bob@isp.example"]
    assert bob == [("bob@isp.example", "203.0.113.11", "2026-11-30T10:15:00Z", None,
                    "detail-20261130:18")]  # fmt: skip


def test_it_reaches_back_acct_session_time_from_a_stop_without_its_start(lease_file, rows) -> None:
    # carol's Stop was logged at 12:00:02 after 2 s of Acct-Delay-Time, 3600 s into the session
    read = read_leases([lease_file("detail-20261130")], "radius")
    carol = [row[2:4] for row in rows(read.leases, *COLUMNS) if row[0] == "carol@isp.example"]
    assert carol == [("2026-11-30T11:00:00Z", "2026-11-30T12:00:00Z")]


def test_it_counts_every_record_once_and_says_why_each_bad_one_is_bad(lease_file) -> None:
    summary = read_leases([lease_file("detail-20261130")], "radius").summary
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (14, 8, 4, 2)
    assert summary.read == summary.used + summary.bad + summary.skipped
    assert sorted((bad.line, bad.reason) for bad in summary.samples) == [
        (58, "a Stop without its Start or Acct-Session-Time: when it began is unknown"),
        (76, "Framed-IP-Address '203.0.113.999': part '999' is above 255"),
        (83, "has no User-Name"),
        (113, "has no User-Name"),  # the record the file was cut in
    ]
    assert all(bad.source == "detail-20261130" for bad in summary.samples)


def test_it_needs_a_timezone_when_only_the_local_header_time_is_there(lease_file) -> None:
    with pytest.raises(NeedsTimezone, match="--tz"):
        read_leases([lease_file("detail-local-times")], "radius")


def test_it_reads_header_times_in_the_given_timezone(lease_file, rows) -> None:
    read = read_leases(
        [lease_file("detail-local-times")], "radius", tz=ZoneInfo("Asia/Ho_Chi_Minh")
    )
    assert rows(read.leases, "subscriber", "start", "end") == [
        ("heidi@isp.example", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z")
    ]


def test_it_reads_a_zone_abbreviation_in_the_given_timezone(lease_file, rows) -> None:
    # Erin's Start says "17:20:00 ICT"; with --tz it is read as Asia/Ho_Chi_Minh time
    read = read_leases([lease_file("detail-20261130")], "radius", tz=ZoneInfo("Asia/Ho_Chi_Minh"))
    erin = {
        row[1] for row in rows(read.leases, "subscriber", "start") if row[0] == "Erin@ISP.example"
    }
    assert erin == {"2026-11-30T10:20:00Z"}


def test_it_keeps_a_session_open_across_rotated_files_given_in_any_order(
    lease_file, rows, tmp_path
) -> None:
    lines = lease_file("detail-20261130").read_text().split("\n\n")
    first, second = tmp_path / "detail-a", tmp_path / "detail-b"
    first.write_text("\n\n".join(lines[4:]) + "\n")
    second.write_text("\n\n".join(lines[:4]) + "\n\n")
    read = read_leases([first, second], "radius")
    alice = [row[1:4] for row in rows(read.leases, *COLUMNS) if row[0] == "alice@isp.example"]
    assert alice == [("203.0.113.10", "2026-11-30T10:00:00Z", "2026-11-30T11:00:00Z")]
