"""CSV and Parquet logs with a declared column mapping (see ``tabular_batch``).

CSV: the delimiter is the commonest of ``,`` ``TAB`` ``;`` ``|`` in the header line; all
mapped columns are read as text by pyarrow and converted column by column. A row with
another number of fields than the header (a truncated line) is bad with its line number;
an empty line is skipped. Evidence numbers are physical line numbers (the header is line
1) as long as no quoted value spans lines. Parquet: read in batches of ``batch_rows``; the
evidence number is the 1-based row number. A Parquet file already in ``LOG_RECORD`` form
(written by ``write_records``, or by an ISP's own pipeline) is passed through as it is.
For both, ``read`` counts data rows, not the header.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import closing

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from cleannet.engines.matching.logs.base import LogInput, NeedsTimezone
from cleannet.engines.matching.logs.opening import open_arrow, open_text
from cleannet.engines.matching.logs.tabular_batch import BatchConverter, Plan, resolve_mapping
from cleannet.engines.matching.schema import LOG_RECORD

_DELIMITERS = (",", "\t", ";", "|")
_BLOCK_BYTES = 16 << 20  # big batches: fewer distinct values to look up per row
_PARQUET_BATCH = 1 << 18


def is_canonical(schema: pa.Schema) -> bool:
    """Return True if ``schema`` has exactly ``LOG_RECORD``'s column names and types."""
    return schema.names == LOG_RECORD.names and all(
        schema.field(name).type == LOG_RECORD.field(name).type for name in LOG_RECORD.names
    )


def _convert_all(
    log: LogInput, plan: Plan, batches: Iterator[tuple[pa.RecordBatch, np.ndarray]]
) -> Iterator[pa.RecordBatch]:
    converter = BatchConverter(plan, log.source, log.tz)
    summary, used = log.summary, 0
    for batch, lines in batches:
        result = converter.convert(batch, lines, summary)
        if result.zoneless and log.tz is None and used == 0:
            raise NeedsTimezone(log.source, log.fmt)
        summary.read += batch.num_rows
        summary.used += result.records.num_rows
        summary.skipped += result.skipped
        used += result.records.num_rows
        for offset in range(0, result.records.num_rows, log.batch_rows):
            yield result.records.slice(offset, log.batch_rows)


class _LineNumbers:
    """Physical line numbers of the rows pyarrow gives, around the rows it refused."""

    def __init__(self) -> None:
        self.next = 2  # line 1 is the header
        self.refused: list[int] = []

    def take(self, count: int) -> np.ndarray:
        pending = np.array([line for line in self.refused if line >= self.next], np.int64)
        candidates = np.arange(self.next, self.next + count + len(pending), dtype=np.int64)
        lines = candidates[~np.isin(candidates, pending)][:count]
        if count:
            self.next = int(lines[-1]) + 1
            self.refused = [line for line in self.refused if line >= self.next]
        return lines


def _in_input_order(plan: Plan, names: list[str]) -> list[str]:
    """The mapped columns in the input's order (bad-row samples then read like the line)."""
    wanted = set(plan.columns.values())
    return [name for name in dict.fromkeys(names) if name in wanted]


def _header(log: LogInput) -> tuple[str, list[str]]:
    with open_text(log.path) as stream:
        first = stream.readline().removeprefix("\ufeff").rstrip("\r\n")
    delimiter = max(_DELIMITERS, key=first.count)
    names = next(csv.reader([first], delimiter=delimiter), [])
    return delimiter, names


def read_csv(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the records of CSV file ``log.path`` under ``log.mapping``.

    Raises ``LogMappingError`` (before reading rows) if the mapping does not fit the header.
    """
    delimiter, names = _header(log)
    if not names:
        return
    plan = resolve_mapping(log.mapping, names)
    needed = _in_input_order(plan, names)
    numbers = _LineNumbers()

    def refuse(row: pcsv.InvalidRow) -> str:
        text = row.text.strip()
        log.summary.read += 1
        if not text:
            log.summary.skipped += 1
        else:
            reason = f"has {row.actual_columns} fields, the header has {row.expected_columns}"
            log.summary.reject(log.source, row.number or 0, reason, text)
        if row.number is not None:
            numbers.refused.append(row.number)
        return "skip"

    reader = pcsv.open_csv(
        open_arrow(log.path),
        read_options=pcsv.ReadOptions(use_threads=False, block_size=_BLOCK_BYTES),
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter, invalid_row_handler=refuse, ignore_empty_lines=False
        ),
        convert_options=pcsv.ConvertOptions(
            include_columns=needed, column_types=dict.fromkeys(needed, pa.string())
        ),
    )
    with closing(reader):
        batches = ((batch, numbers.take(batch.num_rows)) for batch in reader)
        yield from _convert_all(log, plan, batches)


def read_parquet(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the records of Parquet file ``log.path`` (canonical, or under ``log.mapping``).

    Raises ``LogMappingError`` if the mapping does not fit the file's columns.
    """
    with closing(pq.ParquetFile(log.path)) as parquet:
        schema = parquet.schema_arrow
        if log.mapping is None and is_canonical(schema):
            for batch in parquet.iter_batches(batch_size=log.batch_rows):
                log.summary.read += batch.num_rows
                log.summary.used += batch.num_rows
                yield pa.RecordBatch.from_arrays(batch.columns, schema=LOG_RECORD)
            return
        plan = resolve_mapping(log.mapping, schema.names)
        needed = _in_input_order(plan, schema.names)
        yield from _convert_all(
            log, plan, _numbered(parquet, needed, max(log.batch_rows, _PARQUET_BATCH))
        )


def _numbered(
    parquet: pq.ParquetFile, columns: list[str], batch_rows: int
) -> Iterator[tuple[pa.RecordBatch, np.ndarray]]:
    first = 1
    for batch in parquet.iter_batches(batch_size=batch_rows, columns=columns):
        yield batch, np.arange(first, first + batch.num_rows, dtype=np.int64)
        first += batch.num_rows
