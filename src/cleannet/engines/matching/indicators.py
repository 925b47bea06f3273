"""Indicators for matching: the hub's exports or a CSV → the ``INDICATOR`` table.

Inputs (told apart by content, see ``indicators_files``): the hub's
``/api/v1/intel/indicators`` JSON pages (or a list of their items, or JSON Lines of
either), and CSV ``kind,value,family,valid_from,valid_until`` (header optional; times ISO
8601, UTC without an offset, empty = open). ``indicator`` keeps the value as the input
wrote it; ``value`` is normalised (``indicators_rows`` says how, and which indicators are
refused because they would match nearly everything).

Rows with the same kind, indicator, value and family whose validity windows overlap or
touch are merged into one, so that a record is never counted twice for one indicator
(a feed re-sending an indicator with a later window does that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import groupby
from pathlib import Path

import pyarrow as pa

from cleannet.engines.matching.indicators_files import HubRecord, read_hub_records
from cleannet.engines.matching.indicators_rows import (
    IndicatorRow,
    Limits,
    Refused,
    indicator_row,
)
from cleannet.engines.matching.leases.tables import times
from cleannet.engines.matching.schema import INDICATOR, ReadSummary

__all__ = ["INDICATOR_COLUMNS", "read_indicators"]

INDICATOR_COLUMNS = ("kind", "value", "family", "valid_from", "valid_until")
_EARLIEST = -(1 << 62)
_LATEST = 1 << 62


def _row(record: HubRecord, limits: Limits) -> IndicatorRow | None:
    return indicator_row(
        record.get("kind"),
        record.get("value"),
        record.get("family"),
        record.get("valid_from"),
        record.get("valid_until"),
        limits,
    )


def _merged_windows(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    """Return ``rows`` (one kind/indicator/value/family) with touching windows merged."""
    ordered = sorted(rows, key=lambda row: _EARLIEST if row.valid_from is None else row.valid_from)
    merged = [ordered[0]]
    for row in ordered[1:]:
        last = merged[-1]
        last_end = _LATEST if last.valid_until is None else last.valid_until
        start = _EARLIEST if row.valid_from is None else row.valid_from
        if start > last_end:
            merged.append(row)
            continue
        open_ended = row.valid_until is None or last.valid_until is None
        end = None if open_ended else max(row.valid_until or 0, last.valid_until or 0)
        merged[-1] = replace(last, valid_until=end)
    return merged


def _merged(rows: list[IndicatorRow]) -> list[IndicatorRow]:
    def identity(row: IndicatorRow) -> tuple[str, str, str, str]:
        return row.kind, row.indicator, row.value, row.family or ""

    first_seen = {identity(row): position for position, row in reversed(list(enumerate(rows)))}
    ordered = sorted(rows, key=lambda row: first_seen[identity(row)])
    return [
        merged
        for _, group in groupby(ordered, key=identity)
        for merged in _merged_windows(list(group))
    ]


def _table(rows: list[IndicatorRow]) -> pa.Table:
    return pa.Table.from_arrays(
        [
            pa.array([row.kind for row in rows], pa.string()),
            pa.array([row.indicator for row in rows], pa.string()),
            pa.array([row.value for row in rows], pa.string()),
            pa.array([row.family for row in rows], pa.string()),
            times([row.valid_from for row in rows]),
            times([row.valid_until for row in rows]),
        ],
        schema=INDICATOR,
    )


def read_indicators(
    paths: Sequence[Path], *, min_prefix_v4: int = 16, min_prefix_v6: int = 32
) -> tuple[pa.Table, ReadSummary]:
    """Return the ``INDICATOR`` table of ``paths`` and what was read.

    A refused or malformed record is counted bad with its reason; a kind that cannot match
    logs (hashes, e-mail, phone, ASN) is skipped; ``used`` counts the records loaded,
    before windows are merged. CIDRs shorter than ``/min_prefix_v4`` (IPv4) or
    ``/min_prefix_v6`` (IPv6) are refused. Raises ``OSError`` for an unreadable file.
    """
    limits = Limits(min_prefix_v4, min_prefix_v6)
    summary = ReadSummary()
    rows: list[IndicatorRow] = []
    for path in paths:
        for record in read_hub_records(path, INDICATOR_COLUMNS, INDICATOR_COLUMNS[:2], summary):
            try:
                row = _row(record, limits)
            except Refused as error:
                summary.reject(record.source, record.line, str(error), record.text)
                continue
            if row is None:
                summary.skipped += 1
                continue
            summary.used += 1
            rows.append(row)
    return _table(_merged(rows)), summary
