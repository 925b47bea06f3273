"""CSV and JSON Lines exports of events, produced line by line."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from cleannet.server.exchange.selection import (
    CSV_FIELDS,
    EventSelection,
    Progress,
    event_record,
    iter_events,
)

# OWASP "CSV injection": a spreadsheet runs a cell starting with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """Return ``value`` as CSV cell text a spreadsheet will not run as a formula.

    A cell starting with ``= + - @``, tab or carriage return gets a leading ``'``.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_line(cells: list[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def export_events_csv(selection: EventSelection, progress: Progress | None = None) -> Iterator[str]:
    """Yield the selected events as CSV lines, the header first (IntelMQ field names).

    Events come in the order they were recorded; cells are formula-injection safe.
    """
    yield _csv_line(list(CSV_FIELDS))
    for event in iter_events(selection.queryset(), progress):
        record = event_record(event)
        yield _csv_line([safe_cell(record.get(name)) for name in CSV_FIELDS])


def export_events_jsonl(
    selection: EventSelection, progress: Progress | None = None
) -> Iterator[str]:
    """Yield the selected events as JSON Lines: one object of every IntelMQ field per line."""
    for event in iter_events(selection.queryset(), progress):
        yield json.dumps(event_record(event), ensure_ascii=False, sort_keys=True) + "\n"
