"""Result tables in their final form, and their files: CSV, JSON Lines or Parquet by extension.

``finish_table`` gives an engine's table its schema and its one order (both engines call it, so
their results compare equal row for row). ``write_table`` and ``read_table`` move a table to and
from a file; the format is chosen by the extension alone:

- ``.csv``: a header row, then one row per record; times as ISO 8601 UTC with ``Z``
  (``2024-05-01T10:00:00Z``, microseconds only when there are any: ``…:00.000120Z``), days as
  ``2024-05-01``, an empty field for null (so an empty text reads back as null).
- ``.jsonl``: one JSON object per line with the same text values; null as ``null``, counts as
  numbers.
- ``.parquet``: the Arrow types as they are.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from cleannet.engines.matching.schema import DAILY_COUNT, FINDING, SORT_KEYS, UNATTRIBUTED

__all__ = ["FORMATS", "RESULT_SCHEMAS", "finish_table", "read_table", "write_table"]

FORMATS = (".csv", ".jsonl", ".parquet")

RESULT_SCHEMAS = {"findings": FINDING, "daily_counts": DAILY_COUNT, "unattributed": UNATTRIBUTED}


def finish_table(table: pa.Table, name: str) -> pa.Table:
    """Return ``table`` (named as in ``SORT_KEYS``) cast to its schema and sorted.

    The order is ``SORT_KEYS[name]`` (a total order), ascending, by byte order of the
    text, nulls last. Raises
    ``KeyError`` for an unknown name and ``pyarrow.ArrowInvalid`` when a column does not cast.
    """
    schema = RESULT_SCHEMAS[name]
    keys = SORT_KEYS[name]
    typed = table.select(schema.names).cast(schema)
    # Arrow places nulls last by default.
    return typed.sort_by(keys) if typed.num_rows else typed


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(FORMATS)
        raise ValueError(f"{path.name!r}: the format is chosen by the extension, one of {known}")
    return suffix


def _time_text(column: pa.ChunkedArray) -> pa.ChunkedArray:
    # Arrow's %S carries the microseconds; whole seconds are written without them.
    text = pc.strftime(column.cast(pa.timestamp("us", tz="UTC")), format="%Y-%m-%dT%H:%M:%S")
    whole = pc.replace_substring_regex(text, pattern=r"\.000000$", replacement="")
    return pc.binary_join_element_wise(whole, "Z", "", null_handling="emit_null")


def _as_text_values(table: pa.Table) -> pa.Table:
    """Return ``table`` with its times and days as text, everything else unchanged."""
    columns = []
    for field, column in zip(table.schema, table.columns, strict=True):
        if pa.types.is_timestamp(field.type):
            columns.append(_time_text(column))
        elif pa.types.is_date(field.type):
            columns.append(column.cast(pa.string()))
        else:
            columns.append(column)
    return pa.Table.from_arrays(columns, names=table.column_names)


def write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` as CSV, JSON Lines or Parquet by its extension.

    Raises ``ValueError`` naming the three formats for any other extension (before anything is
    written) and ``OSError`` when the file cannot be written.
    """
    kind = _format_of(path)
    if kind == ".parquet":
        pq.write_table(table, path)
    elif kind == ".csv":
        # Python's writer quotes only what needs it; Arrow's quotes every text value.
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(table.column_names)
            for batch in _as_text_values(table).to_batches():
                writer.writerows(
                    zip(*(column.to_pylist() for column in batch.columns), strict=True)
                )
    else:
        with path.open("w", encoding="utf-8", newline="\n") as out:
            for row in _as_text_values(table).to_pylist():
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


def _text_schema(schema: pa.Schema) -> pa.Schema:
    """Return ``schema`` with times and days as text: the form CSV and JSONL hold them in."""
    return pa.schema(
        pa.field(field.name, pa.string()) if _is_temporal(field.type) else field for field in schema
    )


def _is_temporal(kind: pa.DataType) -> bool:
    return bool(pa.types.is_timestamp(kind) or pa.types.is_date(kind))


def _csv_header(path: Path) -> list[str]:
    reader = pa_csv.open_csv(path, read_options=pa_csv.ReadOptions(block_size=1 << 16))
    return list(reader.schema.names)


def _jsonl_header(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as lines:
        first = next((line for line in lines if line.strip()), "{}")
    return list(json.loads(first))


def _known_schema(names: list[str]) -> pa.Schema | None:
    return next((s for s in RESULT_SCHEMAS.values() if s.names == names), None)


def _read_text_table(path: Path, kind: str, schema: pa.Schema | None) -> pa.Table:
    if kind == ".csv":
        text_types = (
            {}
            if schema is None
            else dict(zip(schema.names, _text_schema(schema).types, strict=True))
        )
        convert = pa_csv.ConvertOptions(column_types=text_types, strings_can_be_null=True)
        return pa_csv.read_csv(path, convert_options=convert)
    parse = pa_json.ParseOptions(
        explicit_schema=None if schema is None else _text_schema(schema),
        unexpected_field_behavior="error" if schema is not None else "infer",
    )
    return pa_json.read_json(path, parse_options=parse)


def read_table(path: Path, schema: pa.Schema | None = None) -> pa.Table:
    """Read a table that ``write_table`` wrote (CSV, JSON Lines or Parquet by extension).

    With ``schema`` the columns are converted to it; without, a file whose columns are exactly
    those of ``FINDING``, ``DAILY_COUNT`` or ``UNATTRIBUTED`` is read as that schema, any other
    with the types Arrow infers. Raises ``ValueError`` for an unknown extension,
    ``pyarrow.ArrowInvalid`` for content that does not fit the schema, ``OSError`` when the
    file cannot be read.
    """
    kind = _format_of(path)
    if kind == ".parquet":
        table = pq.read_table(path)
        schema = schema or _known_schema(table.column_names)
        return table if schema is None else table.select(schema.names).cast(schema)
    if not path.stat().st_size:  # an empty table written as JSON Lines: no line at all
        return (schema or pa.schema([])).empty_table()
    if schema is None:
        schema = _known_schema(_csv_header(path) if kind == ".csv" else _jsonl_header(path))
    table = _read_text_table(path, kind, schema)
    return table if schema is None else table.select(schema.names).cast(schema)
