"""Overlapping leases of different subscribers on one address: reported, never resolved."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa

from cleannet.engines.matching.leases import LEASE_PROBLEM, lease_problems, read_leases
from cleannet.engines.matching.schema import LEASE


def _at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=dt.UTC)


def _leases(*rows: tuple[str, str, dt.datetime, dt.datetime | None]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {"subscriber": who, "ip": ip, "start": start, "end": end, "evidence": f"t:{n}"}
            for n, (who, ip, start, end) in enumerate(rows, 1)
        ],
        schema=LEASE,
    )


def test_it_reports_where_two_subscribers_held_one_address(lease_file, rows) -> None:
    leases = read_leases([lease_file("leases.csv")], "csv").leases
    problems = lease_problems(leases)
    assert problems.schema == LEASE_PROBLEM
    # alice's lease ends at 11:00 when bob's starts: touching, not overlapping
    assert rows(problems, "ip", "subscribers", "start", "end") == [
        ("203.0.113.11", "carol;dave", "2026-11-30T03:30:00Z", "2026-11-30T04:00:00Z")
    ]


def test_it_reports_an_overlap_that_is_still_going_on_without_an_end(rows) -> None:
    leases = _leases(
        ("zed", "198.51.100.1", _at(10), None),
        ("amy", "198.51.100.1", _at(11), None),
    )
    assert rows(lease_problems(leases), "subscribers", "start", "end") == [
        ("amy;zed", "2026-11-30T11:00:00Z", None)
    ]


def test_it_does_not_report_a_subscribers_own_renewals(rows) -> None:
    leases = _leases(
        ("amy", "198.51.100.1", _at(10), _at(12)),
        ("amy", "198.51.100.1", _at(11), _at(13)),
    )
    assert lease_problems(leases).num_rows == 0


def test_it_splits_the_report_where_the_set_of_holders_changes(rows) -> None:
    leases = _leases(
        ("amy", "198.51.100.1", _at(10), _at(14)),
        ("bob", "198.51.100.1", _at(11), _at(13)),
        ("cat", "198.51.100.1", _at(12), _at(15)),
        ("dan", "198.51.100.2", _at(12), _at(13)),
    )
    assert rows(lease_problems(leases), "subscribers", "start", "end") == [
        ("amy;bob", "2026-11-30T11:00:00Z", "2026-11-30T12:00:00Z"),
        ("amy;bob;cat", "2026-11-30T12:00:00Z", "2026-11-30T13:00:00Z"),
        ("amy;cat", "2026-11-30T13:00:00Z", "2026-11-30T14:00:00Z"),
    ]


def test_it_reports_nothing_for_no_leases() -> None:
    assert lease_problems(LEASE.empty_table()).num_rows == 0
