"""The hub's events for this ISP (JSON Lines, CSV, API pages) → the HUB_EVENT table."""

from __future__ import annotations

from cleannet.engines.matching.hub_events import read_hub_events
from cleannet.engines.matching.schema import HUB_EVENT

COLUMNS = ("ts", "ip", "port", "family", "indicator", "evidence")


def test_it_reads_the_exchange_json_lines_export(indicator_file, rows) -> None:
    table, _ = read_hub_events([indicator_file("hub-events.jsonl")])
    assert table.schema == HUB_EVENT
    assert rows(table, *COLUMNS) == [
        ("2026-11-30T10:20:00Z", "203.0.113.7", 40000, "mirai",
         "shadowserver-sinkhole-http:infected-system", "3f2a9c0d1e"),
        ("2026-11-30T10:20:00Z", "2001:db8:a::3", None, "qakbot",
         "shadowserver-sinkhole-http:infected-system", "3f2a9c0d1f"),
    ]  # fmt: skip


def test_it_skips_events_without_an_address_and_reports_bad_ones(indicator_file) -> None:
    _, summary = read_hub_events([indicator_file("hub-events.jsonl")])
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (6, 2, 3, 1)
    assert [(bad.line, bad.reason.split(":")[0]) for bad in summary.samples] == [
        (4, "source.port '70000' is not a port number"),
        (5, "is not JSON"),
        (6, "has no feed.name"),
    ]


def test_it_reads_the_csv_export_undoing_its_formula_guard(indicator_file, rows) -> None:
    table, summary = read_hub_events([indicator_file("hub-events.csv")])
    assert rows(table, *COLUMNS) == [
        ("2026-11-30T10:20:00Z", "203.0.113.7", 40000, "@bot",
         "shadowserver-sinkhole-http:infected-system", "aa01"),
        ("2026-11-30T10:25:00Z", "203.0.113.7", 40001, "mirai",
         "shadowserver-sinkhole-http:infected-system", "aa02"),
    ]  # fmt: skip
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (4, "source.ip: part '777' is above 255"),
        (5, "time.source 'not-a-time' is not an ISO 8601 time"),
    ]
    assert summary.read == summary.used + summary.bad + summary.skipped == 4


def test_it_reads_an_api_page_taking_the_event_hash_or_else_the_id(indicator_file, rows) -> None:
    table, _ = read_hub_events([indicator_file("hub-events-page.json")])
    assert rows(table, "ts", "port", "family", "evidence") == [
        ("2026-11-30T10:20:00Z", 40001, None, "cd34ef"),
        ("2026-11-30T10:21:00Z", None, None, "18"),
    ]
