"""At a node: the engine's daily counts as the hub's API takes them, in whole-day batches."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from typing import Any

import pyarrow as pa

__all__ = ["BATCH_ROWS", "daily_count_batches"]

BATCH_ROWS = 5000
"""Rows per request; the hub takes up to 10,000. A day is never split across requests,
because what is sent for a day replaces what the hub had for it."""


def _payload(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "day": row["day"].isoformat(),
        "family": row["family"],
        "indicator_kind": row["indicator_kind"],
        "subscribers": row["subscribers"],
        "records": row["records"],
    }


def daily_count_batches(counts: pa.Table) -> Iterator[list[dict[str, Any]]]:
    """Yield ``counts`` (the engine's ``DAILY_COUNT`` table) as request bodies: lists of
    ``{day, family, indicator_kind, subscribers, records}`` of whole days, in day order."""
    rows = sorted(counts.to_pylist(), key=lambda row: row["day"])
    batch: list[dict[str, Any]] = []
    for _, day_rows in groupby(rows, key=lambda row: row["day"]):
        day = [_payload(row) for row in day_rows]
        if batch and len(batch) + len(day) > BATCH_ROWS:
            yield batch
            batch = []
        batch.extend(day)
    if batch:
        yield batch
