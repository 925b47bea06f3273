"""Shared helpers of the log reader tests: fixture files, reading a log to rows, compressing."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pytest
import zstandard

from cleannet.engines.matching.logs import read_log
from cleannet.engines.matching.schema import LOG_RECORD, ReadSummary

FIXTURES = Path(__file__).parent.parent / "fixtures" / "logs"

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]


@pytest.fixture
def fixture() -> Callable[[str], Path]:
    """``fixture("bind/query.log")`` → the path of that file under fixtures/logs."""
    return lambda name: FIXTURES / name


@pytest.fixture
def hcm() -> ZoneInfo:
    """Vietnam's zone (UTC+7, no daylight saving): what most fixtures' local times are in."""
    return ZoneInfo("Asia/Ho_Chi_Minh")


def _read(
    path: Path,
    fmt: str,
    *,
    tz: ZoneInfo | None = None,
    mapping: Mapping[str, str] | None = None,
    batch_rows: int = 65536,
) -> tuple[list[dict[str, Any]], ReadSummary]:
    summary = ReadSummary()
    batches = list(
        read_log(path, fmt, tz=tz, mapping=mapping, summary=summary, batch_rows=batch_rows)
    )
    for batch in batches:
        assert batch.schema.equals(LOG_RECORD)
        assert batch.num_rows <= batch_rows
    table = pa.Table.from_batches(batches, LOG_RECORD)
    return table.to_pylist(), summary


@pytest.fixture
def read() -> Read:
    """``read(path, fmt, tz=..., mapping=...)`` → (records as dicts, the summary)."""
    return _read


@pytest.fixture
def utc() -> Callable[[str], dt.datetime]:
    """``utc("2026-11-30T03:00:01.123")`` → that instant as an aware UTC datetime."""
    return lambda text: dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def compress(tmp_path: Path) -> Callable[[Path, str, str], Path]:
    """``compress(path, "gzip" | "zstd" | "gzip-members", name)`` → a compressed copy."""

    def compressed(path: Path, how: str, name: str) -> Path:
        data = path.read_bytes()
        if how == "gzip":
            packed = gzip.compress(data)
        elif how == "zstd":
            packed = zstandard.ZstdCompressor().compress(data)
        else:  # two members in a row, as `cat a.gz b.gz` or some rotators write
            half = data.index(b"\n", len(data) // 2) + 1
            packed = gzip.compress(data[:half]) + gzip.compress(data[half:])
        target = tmp_path / name
        target.write_bytes(packed)
        return target

    return compressed
