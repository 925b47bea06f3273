"""``csv``: ``subscriber,ip,start,end``, ISO 8601 times, an empty end = still held.

The format is declared UTC: a time with an offset is converted, a time without one is
UTC (``--tz`` is for logs, and applying it here would shift a file written as declared).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.leases.csvfiles import CsvRow, read_csv_rows
from cleannet.engines.matching.leases.inputs import canonical_ip, iso_micros
from cleannet.engines.matching.leases.tables import LeaseRows, empty_blocks
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["read_csv_leases", "read_interval"]

_COLUMNS = ("subscriber", "ip", "start", "end")


class BadRow(ValueError):
    pass


def read_interval(row: CsvRow) -> tuple[int, int | None]:
    """Return the row's [start, end) in microseconds (UTC); raise ``BadRow`` naming why not."""
    try:
        start = iso_micros(row.get("start"), naive=dt.UTC, source=row.source)
        end = (
            iso_micros(row.get("end"), naive=dt.UTC, source=row.source) if row.get("end") else None
        )
    except ValueError as error:
        raise BadRow(f"a time is not ISO 8601: {error}") from None
    if end is not None and end <= start:
        raise BadRow("ends before it starts (or holds for no time)")
    return start, end


def read_address(row: CsvRow, column: str) -> str:
    """Return the canonical address in ``column``; raise ``BadRow`` naming why not."""
    try:
        return canonical_ip(row.get(column))
    except InvalidIndicator as error:
        raise BadRow(f"{column}: {error.reason}") from None


def _lease(row: CsvRow) -> tuple[str, str, int, int | None]:
    subscriber = row.get("subscriber")
    if not subscriber:
        raise BadRow("has no subscriber")
    return (subscriber, read_address(row, "ip"), *read_interval(row))


def read_csv_leases(
    paths: Sequence[Path], tz: dt.tzinfo | None, summary: ReadSummary
) -> tuple[pa.Table, pa.Table]:
    """Return the ``LEASE`` table of the CSV files (``tz`` unused: the format is UTC)."""
    rows = LeaseRows()
    for path in paths:
        for row in read_csv_rows(path, _COLUMNS, _COLUMNS[:3], summary):
            try:
                lease = _lease(row)
            except BadRow as error:
                summary.reject(row.source, row.line, str(error), row.text)
                continue
            summary.used += 1
            rows.add(*lease, f"{row.source}:{row.line}")
    return rows.table(), empty_blocks()
