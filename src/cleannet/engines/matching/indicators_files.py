"""Records from the files the hub hands a node: JSON pages, JSON Lines, CSV.

The hub writes indicators and events three ways (read, not imported, from the server):
``/api/v1/intel/indicators`` and ``/intel/events`` answer JSON pages
``{"items": [...], "next_after": …}``; the exchange exports write JSON Lines (one object
per line) and CSV with IntelMQ's dotted names as the header, a cell that a spreadsheet
would run as a formula prefixed with ``'``. A node may also save a list of items, or a
page per line. Which one a file is comes from its content, not its name: ``[`` or a
``{`` document that is not one object per line is JSON; ``{`` lines are JSON Lines;
anything else is CSV. ``.gz`` and ``.zst`` are read through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleannet.engines.matching.leases.csvfiles import read_csv_rows
from cleannet.engines.matching.leases.inputs import open_text
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["HubRecord", "read_hub_records"]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True, slots=True)
class HubRecord:
    source: str
    line: int  # the line (CSV, JSON Lines) or the item's position (a JSON document)
    fields: dict[str, str]  # every value as text; null and missing are ""
    text: str  # for a bad-record sample

    def get(self, name: str) -> str:
        return self.fields.get(name, "")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else json.dumps(value)


def _unsafe_cell(text: str) -> str:
    # The hub's CSV export defuses formulas with a leading "'"; the value is what follows.
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def _items(document: Any) -> list[Any]:
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        return list(document["items"])
    return document if isinstance(document, list) else [document]


def _records(source: str, line: int, document: Any, summary: ReadSummary) -> Iterator[HubRecord]:
    for item in _items(document):
        summary.read += 1
        if not isinstance(item, dict):
            summary.reject(source, line, "is not a JSON object", _text(item))
            continue
        fields = {str(name): _text(value) for name, value in item.items()}
        yield HubRecord(source, line, fields, json.dumps(item, ensure_ascii=False))


def _json_lines(path: Path, summary: ReadSummary) -> Iterator[HubRecord]:
    with open_text(path) as stream:
        for number, raw in enumerate(stream, 1):
            if not raw.strip():
                continue
            try:
                document = json.loads(raw)
            except json.JSONDecodeError as error:
                summary.read += 1
                summary.reject(path.name, number, f"is not JSON: {error.msg}", raw.strip())
                continue
            yield from _records(path.name, number, document, summary)


def _json_document(path: Path, summary: ReadSummary) -> Iterator[HubRecord]:
    with open_text(path) as stream:
        text = stream.read()
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        summary.read += 1
        summary.reject(path.name, error.lineno, f"is not JSON: {error.msg}", text[:200])
        return
    for position, item in enumerate(_items(document), 1):
        yield from _records(path.name, position, item, summary)


def _csv(
    path: Path, columns: Sequence[str], required: Sequence[str], summary: ReadSummary
) -> Iterator[HubRecord]:
    for row in read_csv_rows(path, columns, required, summary):
        fields = {name: _unsafe_cell(value) for name, value in row.cells.items()}
        yield HubRecord(row.source, row.line, fields, row.text)


def _kind_of_file(path: Path) -> str:
    with open_text(path) as stream:
        for line in stream:
            text = line.strip()
            if not text:
                continue
            if text.startswith("["):
                return "json"
            if not text.startswith("{"):
                return "csv"
            try:
                json.loads(text)
            except json.JSONDecodeError:
                return "json"  # an object over several lines: one pretty-printed document
            return "jsonl"
    return "csv"


def read_hub_records(
    path: Path, columns: Sequence[str], required: Sequence[str], summary: ReadSummary
) -> Iterator[HubRecord]:
    """Yield the records of one file by field name, ``read`` counted for each; a line that
    is not JSON, an item that is not an object, and ragged CSV rows are counted bad.

    ``columns``/``required`` describe a CSV file without a header (see ``csvfiles``); JSON
    records carry their own names. The caller counts each yielded record used or bad.
    Raises ``OSError`` when the file cannot be read.
    """
    kind = _kind_of_file(path)
    if kind == "jsonl":
        yield from _json_lines(path, summary)
    elif kind == "json":
        yield from _json_document(path, summary)
    else:
        yield from _csv(path, columns, required, summary)
