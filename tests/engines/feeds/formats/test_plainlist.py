"""Plain lists: one observable per line in, events of the right kind out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats import plainlist
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
)
from cleannet.engines.feeds.sources import open_sources, text_source

FIXTURES = Path(__file__).parents[1] / "fixtures" / "plainlist"
BANNER_TIME = datetime(2026, 4, 14, 6, 0, tzinfo=UTC)
RUN_TIME = datetime(2026, 4, 15, 1, 2, 3, tzinfo=UTC)
LISTED: dict[str, FieldValue] = {
    "feed.name": "weekly-blocklist",
    "classification.type": "blacklist",
    "classification.taxonomy": "other",
    "time.source": BANNER_TIME,
}


def _options(**changes: Any) -> ParseOptions:
    values: dict[str, Any] = {"feed_name": "weekly-blocklist", "classification_type": "blacklist"}
    values.update(changes)
    return ParseOptions(**values)


def _parse(name: str, options: ParseOptions | None = None) -> list[Row]:
    [source] = open_sources(FIXTURES / name)
    return list(plainlist.parse(source, options or _options()))


def _accepted(rows: list[Row]) -> dict[int, dict[str, FieldValue]]:
    return {row.row: row.fields for row in rows if isinstance(row, Accepted)}


def _rejected(rows: list[Row]) -> dict[int, str | None]:
    return {row.row: row.field for row in rows if isinstance(row, Rejected)}


EXPECTED_MIXED: dict[int, dict[str, FieldValue]] = {
    5: {**LISTED, "source.ip": "192.0.2.10"},
    6: {**LISTED, "source.ip": "192.0.2.11"},  # "# seen scanning port 23" dropped
    7: {**LISTED, "source.ip": "2001:db8::a"},
    8: {**LISTED, "source.network": "198.51.100.0/24"},  # "; the whole range" dropped
    9: {**LISTED, "source.fqdn": "evil-domain.example"},
    10: {**LISTED, "source.fqdn": "xn--bcher-shop-9db.example"},
    11: {**LISTED, "source.url": "http://phish.example/login.php#step2",
         "source.fqdn": "phish.example"},
    12: {**LISTED, "malware.hash.md5": "44d88612fea8a8f36de82e1278abb02f"},
}  # fmt: skip

EXPECTED_MIXED_REJECTS: dict[int, str | None] = {
    13: "source.ip",  # 300.1.2.3
    14: "observable",  # a phone number: no event field holds one
    15: "observable",  # not an indicator !!
    16: "observable",  # =cmd|' /C calc'!A0
}


def test_it_guesses_the_kind_of_each_line_and_fills_its_field() -> None:
    assert _accepted(_parse("mixed.txt")) == EXPECTED_MIXED


def test_it_rejects_lines_that_are_no_valid_observable() -> None:
    assert _rejected(_parse("mixed.txt")) == EXPECTED_MIXED_REJECTS


def test_it_skips_comments_and_blank_lines_and_numbers_rows_by_line() -> None:
    rows = _parse("mixed.txt")

    assert [row.row for row in rows] == list(range(5, 17))
    assert rows[1].raw == "192.0.2.11   # seen scanning port 23"


def test_its_accepted_fields_are_what_core_builds_from_them() -> None:
    for fields in _accepted(_parse("mixed.txt")).values():
        assert Event.from_dict(fields) == fields


def test_it_gives_the_same_rows_for_the_same_input() -> None:
    assert _parse("mixed.txt") == _parse("mixed.txt")


def test_a_time_source_in_the_options_wins_over_the_banner() -> None:
    moment = datetime(2026, 1, 1, tzinfo=UTC)

    rows = _parse("mixed.txt", _options(constants={"time.source": moment}))

    assert {fields["time.source"] for fields in _accepted(rows).values()} == {moment}


def test_without_a_banner_the_run_time_in_the_options_is_the_time() -> None:
    options = _options(constants={"time.observation": RUN_TIME})

    fields = _accepted(_parse("no_banner.txt", options))

    assert fields[1]["time.source"] == RUN_TIME
    assert fields[1]["time.observation"] == RUN_TIME


def test_it_refuses_a_list_that_gives_no_time_at_all() -> None:
    with pytest.raises(FeedFormatError, match="no time"):
        _parse("no_banner.txt")


def test_a_kind_forced_by_the_options_rejects_lines_of_another_kind() -> None:
    options = _options(column_map={"kind": "domain"}, constants={"time.observation": RUN_TIME})

    rows = _parse("no_banner.txt", options)

    assert set(_accepted(rows)) == {1, 2}
    assert _rejected(rows) == {3: "source.fqdn"}


def test_it_refuses_a_forced_kind_it_does_not_know() -> None:
    options = _options(column_map={"kind": "mac-address"})

    with pytest.raises(FeedFormatError, match="mac-address"):
        _parse("mixed.txt", options)


def test_without_a_classification_every_row_is_rejected_naming_it() -> None:
    rows = _parse("mixed.txt", ParseOptions(feed_name="weekly-blocklist"))

    assert set(_rejected(rows).values()) == {"classification.type", "source.ip", "observable"}
    assert _accepted(rows) == {}


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# Last updated: 2020-12-03 06:06:09 (UTC)", datetime(2020, 12, 3, 6, 6, 9, tzinfo=UTC)),
        ("# Generated 2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("; updated: 2026-01-02", datetime(2026, 1, 2, tzinfo=UTC)),
        ("# Last updated: 2021-08-17 15:00:42 UTC", datetime(2021, 8, 17, 15, 0, 42, tzinfo=UTC)),
        ("# Terms of use: https://example.org/", None),
    ],
)
def test_it_reads_the_update_time_of_a_banner_line(line: str, expected: datetime | None) -> None:
    assert plainlist.banner_time(line) == expected


def test_only_a_banner_before_the_first_value_sets_the_time() -> None:
    text = "192.0.2.1\n# Last updated: 2026-01-02 00:00:00\n192.0.2.2\n"
    options = _options(constants={"time.observation": RUN_TIME})

    rows = list(plainlist.parse(text_source("late-banner.txt", text), options))

    assert [row.fields["time.source"] for row in rows if isinstance(row, Accepted)] == [
        RUN_TIME,
        RUN_TIME,
    ]
