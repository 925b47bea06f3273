"""A run's findings merge into the stored ones: newest counts, widest span, first evidence."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest

from cleannet.engines.matching import FINDING
from cleannet.server.node.models import NodeFinding, NodeRun
from cleannet.server.node.services import store_findings

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


def _finding(**changes) -> dict:
    row = {
        "subscriber": "sub-001", "ip": "10.0.0.5", "indicator_kind": "domain",
        "indicator": "evil.example", "family": "mirai", "first_seen": T, "last_seen": T,
        "count": 1, "evidence": "dns.log:12",
    }  # fmt: skip
    return {**row, **changes}


def _store(*rows: dict) -> NodeRun:
    run = NodeRun.objects.create()
    assert store_findings(run, pa.Table.from_pylist(list(rows), schema=FINDING)) == len(rows)
    return run


def test_it_stores_each_finding_of_a_run() -> None:
    run = _store(_finding(), _finding(ip="2001:db8:a::5", family=None, count=3))

    stored = {(f.ip, f.family, f.count, f.run_id) for f in NodeFinding.objects.all()}
    assert stored == {("10.0.0.5", "mirai", 1, run.pk), ("2001:db8:a::5", "", 3, run.pk)}


def test_it_merges_a_later_run_into_the_stored_finding() -> None:
    _store(_finding(first_seen=T, last_seen=T + dt.timedelta(hours=2), count=5))
    later = _store(
        _finding(
            first_seen=T + dt.timedelta(hours=1),
            last_seen=T + dt.timedelta(hours=9),
            count=2,
            evidence="dns.log.1:3",
        )
    )

    merged = NodeFinding.objects.get()
    assert merged.count == 2  # the newest run's figure over its window
    assert (merged.first_seen, merged.last_seen) == (T, T + dt.timedelta(hours=9))
    assert merged.evidence == "dns.log:12"  # stays with the earliest sighting
    assert merged.run == later


def test_it_takes_the_evidence_of_an_earlier_sighting_found_later() -> None:
    _store(_finding())
    _store(_finding(first_seen=T - dt.timedelta(days=1), evidence="old.log:1", family=None))

    merged = NodeFinding.objects.get()
    assert (merged.first_seen, merged.evidence) == (T - dt.timedelta(days=1), "old.log:1")
    assert merged.family == "mirai"  # a run without a family does not erase it


def test_it_keeps_findings_apart_by_subscriber_address_and_indicator() -> None:
    _store(_finding())
    _store(
        _finding(subscriber="sub-002"),
        _finding(indicator="cdn.evil.example"),
        _finding(indicator_kind="event", indicator="sinkhole:infected-system"),
    )

    assert NodeFinding.objects.count() == 4
