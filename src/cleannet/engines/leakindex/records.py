"""Record-oriented leak files: CSV (a header row, the delimiter taken from it) and JSON Lines
(one object per line; a mapping may name a nested key as ``a.b``)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from cleannet.engines.leakindex.batch import (
    BATCH_ROWS,
    COUNT_NAMES,
    MAX_VALUE_CHARS,
    Batch,
    parse_count,
    without_ending,
)
from cleannet.engines.leakindex.summary import ImportFormatError, ImportSummary

__all__ = ["read_csv", "read_jsonl"]


class _Rows:
    """Groups row-by-row values into batches."""

    def __init__(self, source: str, summary: ImportSummary) -> None:
        self.source, self.summary = source, summary
        self.values: list[str | None] = []
        self.counts: list[int] = []
        self.lines: list[int] = []

    def add(self, line: int, value: str | None, count: int = 1) -> None:
        self.summary.read += 1
        self.values.append(value)
        self.counts.append(count)
        self.lines.append(line)

    def refuse(self, line: int, reason: str) -> None:
        self.summary.reject(self.source, line, reason)
        self.add(line, None)

    def take(self, at_least: int = BATCH_ROWS) -> Iterator[Batch]:
        if self.values and len(self.values) >= at_least:
            counts = None if all(count == 1 for count in self.counts) else self.counts
            yield Batch(self.source, self.values, counts=counts, lines=self.lines)
            self.values, self.counts, self.lines = [], [], []


def _key(name: str) -> str:
    return name.strip().lower().replace(" ", "").replace("_", "").replace("-", "")


def _find_column(header: Sequence[str], wanted: str | None, names: Sequence[str]) -> int | None:
    keys = [_key(name) for name in header]
    if wanted is not None:
        return keys.index(_key(wanted)) if _key(wanted) in keys else None
    return next((i for i, key in enumerate(keys) if key in names), None)


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    # Undecodable bytes become lone surrogates, refused per row by ``_add_cell``.
    for raw in stream:
        yield raw.decode("utf-8", "surrogateescape")


def _cell_count(row: list[str], column: int | None) -> int | None:
    if column is None:
        return 1
    return parse_count(row[column]) if column < len(row) else None


def _is_utf8(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _add_cell(rows: _Rows, line: int, row: list[str], column: int, count: int | None) -> None:
    if not row or row == [""]:
        rows.add(line, "")
    elif column >= len(row):
        rows.refuse(line, f"has {len(row)} fields, the value is field {column + 1}")
    elif count is None:
        rows.refuse(line, "the count is not a whole number")
    elif not row[column].strip() or count == 0:
        rows.add(line, "")
    elif len(row[column]) > MAX_VALUE_CHARS:
        rows.refuse(line, f"the value is over {MAX_VALUE_CHARS} characters")
    elif not _is_utf8(row[column]):
        rows.refuse(line, "is not valid UTF-8")
    else:
        rows.add(line, row[column], count)


def read_csv(
    stream: IO[bytes],
    source: str,
    summary: ImportSummary,
    *,
    names: Sequence[str],
    mapping: Mapping[str, str],
) -> Iterator[Batch]:
    """Yield the value (and count) column of each row after the header.

    Raises ``ImportFormatError`` when the header has no value column (or no mapped count
    column); the header's cells are not quoted in the message (it may be a row of data).
    """
    text_lines = _text_lines(stream)
    first = next(text_lines, "")
    if not first.strip():
        return
    delimiter = max(",;\t|", key=first.count)
    header = next(csv.reader([first], delimiter=delimiter), [])
    column = _find_column(header, mapping.get("value"), names)
    if column is None:
        wanted = mapping.get("value") or "/".join(names[:3])
        raise ImportFormatError(
            source, f"the header ({len(header)} columns) has no {wanted!r} column; name it"
        )
    count_column = _find_column(header, mapping.get("count"), COUNT_NAMES)
    if count_column is None and "count" in mapping:
        raise ImportFormatError(source, f"the header has no {mapping['count']!r} count column")
    yield from _csv_rows(
        csv.reader(text_lines, delimiter=delimiter), source, summary, column, count_column
    )


def _csv_rows(
    reader: Any, source: str, summary: ImportSummary, column: int, count_column: int | None
) -> Iterator[Batch]:
    rows = _Rows(source, summary)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rows.refuse(reader.line_num + 1, "is not a well-formed CSV row")
            continue
        line = reader.line_num + 1  # the header is line 1
        _add_cell(rows, line, row, column, _cell_count(row, count_column))
        yield from rows.take()
    yield from rows.take(at_least=1)


def _lookup(record: Mapping[str, Any], path: str | None, names: Sequence[str]) -> Any:
    if path is None:
        return next((v for k, v in record.items() if _key(k) in names), None)
    found: Any = record
    for part in path.split("."):
        found = found.get(part) if isinstance(found, Mapping) else None
    return found


def _json_text(found: Any) -> str | None:
    """Return a JSON value as text: a string, or a whole number (phones exported as numbers)."""
    if isinstance(found, str):
        return found
    if isinstance(found, int) and not isinstance(found, bool):
        return str(found)
    return None


def _add_record(
    rows: _Rows, line: int, text: str, mapping: Mapping[str, str], names: Sequence[str]
) -> None:
    try:
        record = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        rows.refuse(line, "is not valid JSON")
        return
    if not isinstance(record, dict):
        rows.refuse(line, "is JSON but not an object")
        return
    found = _lookup(record, mapping.get("value"), names)
    raw_count = _lookup(record, mapping.get("count"), COUNT_NAMES)
    value = _json_text(found)
    count = 1 if raw_count is None else parse_count(_json_text(raw_count) or "")
    if found is None or value == "" or count == 0:
        rows.add(line, "")
    elif value is None:
        rows.refuse(line, f"the value is a JSON {type(found).__name__}, not text")
    elif count is None:
        rows.refuse(line, "the count is not a whole number")
    elif len(value) > MAX_VALUE_CHARS:
        rows.refuse(line, f"the value is over {MAX_VALUE_CHARS} characters")
    else:
        rows.add(line, value, count)


def read_jsonl(
    stream: IO[bytes],
    source: str,
    summary: ImportSummary,
    *,
    names: Sequence[str],
    mapping: Mapping[str, str],
) -> Iterator[Batch]:
    """Yield the value (and count) of each JSON object, one per line."""
    rows = _Rows(source, summary)
    for line, raw in enumerate(stream, start=1):
        try:
            text = without_ending(raw).decode("utf-8")
        except UnicodeDecodeError:
            rows.refuse(line, "is not valid UTF-8")
            continue
        if not text.strip():
            rows.add(line, "")
        else:
            _add_record(rows, line, text, mapping, names)
        yield from rows.take()
    yield from rows.take(at_least=1)
