"""The hub's indicator exports: /intel/indicators JSON pages and JSON Lines."""

from __future__ import annotations

import json

from cleannet.engines.matching.indicators import read_indicators


def test_it_reads_an_api_page_mapping_the_hubs_kinds(indicator_file, rows) -> None:
    table, summary = read_indicators([indicator_file("hub-indicators-page.json")])
    assert rows(table, "kind", "indicator", "value", "family", "valid_from", "valid_until") == [
        ("ip", "198.51.100.77", "198.51.100.77", "mirai", "2026-11-01T00:00:00Z", None),
        ("domain", "xn--bcher-kva.example", "xn--bcher-kva.example", None,
         "2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z"),
        ("ip", "2001:db8::bad:1", "2001:db8::bad:1", "mirai", "2026-11-01T00:00:00Z", None),
    ]  # fmt: skip
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (5, 3, 1, 1)
    assert [(bad.line, bad.reason) for bad in summary.samples] == [
        (5, "'192.168.0.0/16' is private address space, not routable")
    ]


def test_it_reads_json_lines_of_indicators_and_of_pages(indicator_file, rows) -> None:
    table, summary = read_indicators([indicator_file("hub-indicators.jsonl")])
    assert rows(table, "kind", "value", "family") == [
        ("url", "http://c2.evil.example/bins/mirai.arm7", "mirai"),
        ("cidr", "2001:db8:bad::/48", "qakbot"),
    ]
    assert [(bad.line, bad.reason.split(":")[0]) for bad in summary.samples] == [
        (2, "is not JSON"),
        (4, "is not a JSON object"),
    ]
    assert summary.read == summary.used + summary.bad + summary.skipped == 4


def test_it_reads_a_saved_list_of_pages(indicator_file, rows, tmp_path) -> None:
    page = json.loads(indicator_file("hub-indicators-page.json").read_text())
    saved = tmp_path / "indicators.json"
    saved.write_text(json.dumps([page, page["items"][0]]))
    table, summary = read_indicators([saved])
    assert summary.read == 6
    assert rows(table, "value")[0] == ("198.51.100.77",)
