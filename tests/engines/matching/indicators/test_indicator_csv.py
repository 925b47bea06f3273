"""The indicator CSV: kind,value,family,valid_from,valid_until → the INDICATOR table."""

from __future__ import annotations

import gzip

from cleannet.engines.matching.indicators import read_indicators
from cleannet.engines.matching.schema import INDICATOR

COLUMNS = ("kind", "indicator", "value", "family", "valid_from", "valid_until")


def test_it_keeps_the_input_text_and_normalises_the_value(indicator_file, rows) -> None:
    table, _ = read_indicators([indicator_file("indicators.csv")])
    assert table.schema == INDICATOR
    assert rows(table, *COLUMNS) == [
        ("domain", "EVIL.Example.", "evil.example", "mirai", "2026-11-01T00:00:00Z",
         "2026-12-15T00:00:00Z"),
        ("domain", "bücher-c2.example", "xn--bcher-c2-65a.example", "emotet", None, None),
        ("ip", "198.51.100.9", "198.51.100.9", "mirai", "2026-11-30T00:00:00Z", None),
        ("ip", "::ffff:198.51.100.10", "198.51.100.10", "mirai", None, None),
        ("cidr", "198.51.100.0/24", "198.51.100.0/24", "qakbot", None, None),
        ("url", "HTTP://Evil.Example:8080/a/../payload.exe#top",
         "http://evil.example/payload.exe", "mirai", None, None),
    ]  # fmt: skip


def test_it_merges_overlapping_windows_of_one_indicator(indicator_file, rows) -> None:
    # EVIL.Example. is listed for [11-01, 12-01) and again for [11-15, 12-15)
    table, _ = read_indicators([indicator_file("indicators.csv")])
    windows = [row[1:] for row in rows(table, "indicator", "valid_from", "valid_until")
               if row[0] == "EVIL.Example."]  # fmt: skip
    assert windows == [("2026-11-01T00:00:00Z", "2026-12-15T00:00:00Z")]


def test_it_keeps_windows_of_one_indicator_that_do_not_touch(write_csv, rows) -> None:
    path = write_csv(
        "domain,evil.example,mirai,2026-11-01T00:00:00Z,2026-11-02T00:00:00Z",
        "domain,evil.example,mirai,2026-11-03T00:00:00Z,2026-11-04T00:00:00Z",
        "domain,evil.example,mirai,2026-11-02T00:00:00Z,2026-11-03T00:00:00Z",
        "domain,evil.example,mirai,2026-12-01T00:00:00Z,",
    )
    table, summary = read_indicators([path])
    assert rows(table, "valid_from", "valid_until") == [
        ("2026-11-01T00:00:00Z", "2026-11-04T00:00:00Z"),
        ("2026-12-01T00:00:00Z", None),
    ]
    assert summary.used == 4


def test_it_counts_hashes_as_skipped_and_reconciles(indicator_file) -> None:
    _, summary = read_indicators([indicator_file("indicators.csv")])
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (21, 7, 11, 3)
    assert summary.read == summary.used + summary.bad + summary.skipped


def test_it_reads_a_compressed_csv_without_a_header(rows, tmp_path) -> None:
    path = tmp_path / "indicators.csv.gz"
    path.write_bytes(gzip.compress(b"domain,Evil.Example,mirai,,\nip,198.51.100.9,,,\n"))
    table, _ = read_indicators([path])
    assert rows(table, "kind", "value", "family") == [
        ("domain", "evil.example", "mirai"),
        ("ip", "198.51.100.9", None),
    ]


def test_it_reads_several_files_into_one_table(indicator_file) -> None:
    table, summary = read_indicators(
        [indicator_file("indicators.csv"), indicator_file("hub-indicators-page.json")]
    )
    assert table.num_rows == 9
    assert summary.read == 26
