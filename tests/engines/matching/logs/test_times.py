"""Times: exact to the microsecond, never in the machine's zone, the same in every reader."""

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleannet.engines.matching.logs.base import LineError
from cleannet.engines.matching.logs.times import epoch_micros, fraction_micros
from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]
BERLIN = ZoneInfo("Europe/Berlin")


@given(st.integers(0, 4_102_444_800), st.integers(0, 999_999))
def test_it_reads_epoch_seconds_with_six_decimals_exactly(seconds: int, micros: int) -> None:
    assert epoch_micros(f"{seconds}.{micros:06d}") == seconds * 1_000_000 + micros


@pytest.mark.parametrize("text", ["", "-1.5", "nan", "inf", " 1", "1732960801,5", "x"])
def test_it_refuses_what_is_not_epoch_seconds(text: str) -> None:
    with pytest.raises(LineError, match="epoch seconds"):
        epoch_micros(text)


def test_it_reads_fractions_of_any_length_to_the_microsecond() -> None:
    assert [fraction_micros(text) for text in ("5", "123", "123456", "1234567")] == [
        500_000,
        123_000,
        123_456,
        123_456,
    ]


def _nfdump_and_csv(tmp_path: Path, wall: str, read: Read) -> list[list[dict[str, Any]]]:
    nfdump = tmp_path / "flows.csv"
    nfdump.write_text(f"ts,te,td,sa,da,sp,dp\n{wall},{wall},0.0,192.0.2.5,198.51.100.7,1,2\n")
    mapping = {"ts": "ts", "client_ip": "sa", "dst_ip": "da"}
    return [
        read(nfdump, "nfdump", tz=BERLIN)[0],
        read(nfdump, "csv", tz=BERLIN, mapping=mapping)[0],
    ]


def test_it_reads_a_repeated_autumn_hour_as_its_first_occurrence_in_every_reader(
    read: Read, tmp_path: Path, utc: Callable[[str], dt.datetime]
) -> None:
    line_reader, column_reader = _nfdump_and_csv(tmp_path, "2026-10-25 02:30:00", read)

    assert [record["ts"] for record in line_reader] == [utc("2026-10-25T00:30:00")]
    assert [record["ts"] for record in column_reader] == [utc("2026-10-25T00:30:00")]


def test_it_refuses_a_spring_time_the_clocks_skipped_in_every_reader(
    read: Read, tmp_path: Path
) -> None:
    line_reader, column_reader = _nfdump_and_csv(tmp_path, "2026-03-29 02:30:00", read)

    assert line_reader == column_reader == []
