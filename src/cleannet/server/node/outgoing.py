"""At a node: what it sends the hub after a run — the engine's daily counts, in whole-day
batches, and the notice counts of the app that warns subscribers.

The notice counts come from ``notices``, which sits above node (node may not import it):
notices hands its function over with ``provide_notice_counts`` when the app is ready, and
``send_notice_counts`` sends what it returns. Without one (notices not installed), nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import groupby
from typing import Any

import pyarrow as pa

from cleannet.server.node.hub_client import HubClient

__all__ = [
    "BATCH_ROWS",
    "NoticeCountSource",
    "daily_count_batches",
    "provide_notice_counts",
    "send_notice_counts",
]

NoticeCountSource = Callable[[], dict[str, Any] | None]
"""Returns the body of the hub's ``POST /node/notice-counts`` (``since``, ``until``, ``rows``),
or ``None`` when there is nothing to send."""

_provided: dict[str, NoticeCountSource] = {}

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


def provide_notice_counts(source: NoticeCountSource | None) -> NoticeCountSource | None:
    """Have every later run send what ``source`` returns after its daily counts (``None``
    stops it); return the source provided before, so that a test can put it back."""
    previous = _provided.pop("notices", None)
    if source is not None:
        _provided["notices"] = source
    return previous


def send_notice_counts(hub: HubClient) -> int:
    """Send the provided notice counts to ``hub``; return how many rows it stored (0 when
    nothing was provided or there is nothing to send). Raises ``HubError``."""
    source = _provided.get("notices")
    body = source() if source is not None else None
    if body is None:
        return 0
    return hub.send_notice_counts(body)
