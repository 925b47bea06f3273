"""Shared helpers for the lease reader tests: the fixture folder and compact table rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

FIXTURES = Path(__file__).parents[1] / "fixtures" / "leases"


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        assert value.utcoffset() == dt.timedelta(0), "every time in a table is UTC"
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f").removesuffix(".000000") + "Z"
    return value


@pytest.fixture
def lease_file() -> Callable[[str], Path]:
    """Return the path of a file in fixtures/leases."""
    return lambda name: FIXTURES / name


@pytest.fixture
def rows() -> Callable[..., list[tuple[Any, ...]]]:
    """Return a table's rows as tuples of the named columns, times as ``…Z`` text."""

    def convert(table: pa.Table, *columns: str) -> list[tuple[Any, ...]]:
        return [tuple(_plain(row[name]) for name in columns) for row in table.to_pylist()]

    return convert
