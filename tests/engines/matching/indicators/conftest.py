"""Shared helpers for the indicator and hub-event tests: the fixture folder, compact rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "indicators"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        assert value.utcoffset() == dt.timedelta(0), "every time in a table is UTC"
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    return value


@pytest.fixture
def indicator_file() -> Callable[[str], Path]:
    """Return the path of a file in fixtures/indicators."""
    return lambda name: FIXTURES / name


@pytest.fixture
def rows() -> Callable[..., list[tuple[Any, ...]]]:
    """Return a table's rows as tuples of the named columns, times as ``…Z`` text."""

    def convert(table: pa.Table, *columns: str) -> list[tuple[Any, ...]]:
        return [tuple(_plain(row[name]) for name in columns) for row in table.to_pylist()]

    return convert


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Return a function writing indicator CSV rows (after the header) to a file."""

    def write(*lines: str) -> Path:
        path = tmp_path / "indicators.csv"
        path.write_text("kind,value,family,valid_from,valid_until\n" + "\n".join(lines) + "\n")
        return path

    return write
