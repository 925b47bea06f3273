"""A node run end to end: pull from a real hub on the loopback, match a Zeek dns.log with
the DuckDB engine, keep the findings, send the hub the daily counts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from cleannet.server.node.models import NodeFinding, NodeRun
from cleannet.server.node.services import run_node

pytestmark = pytest.mark.django_db(transaction=True)

T = dt.datetime(2026, 3, 1, 8, tzinfo=dt.UTC)


@pytest.fixture
def node(node_settings, live_server):
    node_settings.CLEANNET_NODE = dataclasses.replace(
        node_settings.CLEANNET_NODE, hub_url=live_server.url
    )
    return node_settings.CLEANNET_NODE


def _findings() -> list[tuple]:
    rows = NodeFinding.objects.order_by("subscriber", "ip", "indicator_kind", "indicator")
    return [(f.subscriber, f.ip, f.indicator_kind, f.indicator, f.family, f.count) for f in rows]


def test_it_matches_the_logs_and_keeps_each_subscribers_findings(node, hub) -> None:
    run = run_node()

    assert run.status == NodeRun.Status.SUCCEEDED, run.error
    assert _findings() == [
        ("sub-001", "10.0.0.5", "domain", "evil.example", "mirai", 2),
        ("sub-002", "10.0.0.6", "domain", "evil.example", "mirai", 1),  # its last instant
        ("sub-003", "10.0.0.6", "domain", "evil.example", "mirai", 1),  # its first second
        ("sub-004", "203.0.113.7", "event", "sinkhole:infected-system", "mirai", 1),
        ("sub-005", "2001:db8:a::5", "domain", "evil.example", "mirai", 1),
    ]
    first = NodeFinding.objects.get(subscriber="sub-001")
    assert (first.first_seen, first.last_seen) == (
        T + dt.timedelta(milliseconds=500), T + dt.timedelta(minutes=10),
    )  # fmt: skip
    assert first.evidence == "dns.log:11"
    assert first.run == run


def test_it_records_what_the_run_read_and_found(node, hub) -> None:
    run = run_node()

    assert (run.indicators, run.events) == (5, 2)  # no hash, no TLP:RED, only its own events
    assert (run.records, run.bad_records) == (10, 2)  # a bad address, a truncated line
    assert (run.findings, run.unattributed) == (5, 2)  # nobody held 10.0.0.9, 203.0.113.8
    assert "2 log lines refused of" in run.note
    assert run.finished_at is not None and run.engine == "duckdb"


def test_it_sends_the_hub_daily_counts_without_identities(node, hub, personas) -> None:
    run = run_node()

    sent = personas.isp_org.node_daily_counts.order_by("day")
    assert [(c.day, c.family, c.indicator_kind, c.subscribers, c.records) for c in sent] == [
        (T.date(), "mirai", "domain", 4, 5),
        (hub.recent.date(), "mirai", "event", 1, 1),
    ]
    assert run.counts_sent == 2


def test_a_later_run_merges_into_the_findings_it_kept(node, hub, node_dirs) -> None:
    run_node()
    log = node_dirs["logs"] / "dns.log"
    lines = log.read_text().splitlines(keepends=True)
    later = lines[10].replace("1772352000.500000", "1772380800.000000")  # 16:00 that day
    log.write_text("".join([*lines[:8], later]))

    second = run_node()

    assert second.status == NodeRun.Status.SUCCEEDED, second.error
    merged = NodeFinding.objects.get(subscriber="sub-001")
    assert merged.count == 1  # the newest run's figure over its window
    assert merged.first_seen == T + dt.timedelta(milliseconds=500)  # kept from the first run
    assert merged.last_seen == T + dt.timedelta(hours=8)
    assert merged.evidence == "dns.log:11" and merged.run == second
    assert NodeFinding.objects.count() == 5


def test_it_keeps_the_findings_when_the_hub_refuses_the_counts(node_settings, live_server, hub,
                                                                personas) -> None:  # fmt: skip
    # An analyst's token reads indicators and events, but only an ISP operator sends counts.
    node_settings.CLEANNET_NODE = dataclasses.replace(
        node_settings.CLEANNET_NODE, hub_url=live_server.url, hub_token=personas.analyst.token
    )

    run = run_node()

    assert run.status == NodeRun.Status.PARTIAL
    assert "POST /api/v1/node/daily-counts: HTTP 403" in run.error
    assert NodeFinding.objects.filter(subscriber="sub-001").exists()


def test_it_skips_files_being_written_and_files_the_glob_leaves_out(node, hub, node_dirs) -> None:
    garbage = "not a zeek line\n" * 3
    for name in ("dns.log.part", ".dns.log", "conn.log", "dns.log.tmp"):
        (node_dirs["logs"] / name).write_text(garbage)

    run = run_node()

    assert (run.records, run.bad_records) == (10, 2)


def test_it_deletes_its_working_files(node, hub, node_settings) -> None:
    run_node()
    assert list((node_settings.VAR_DIR / "node").iterdir()) == []
