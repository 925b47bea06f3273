"""Logs → Parquet files of ``LOG_RECORD``, what an engine's ``MatchJob.records`` lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from cleannet.engines.matching.logs.registry import get_log_format, read_log
from cleannet.engines.matching.logs.tabular import is_canonical
from cleannet.engines.matching.schema import (
    LOG_RECORD,
    RECORD_PARQUET_OPTIONS,
    RECORD_ROW_GROUP,
    ReadSummary,
)

_COMPRESSED_SUFFIXES = (".gz", ".zst")


def _output_name(index: int, path: Path) -> str:
    name = path.name
    for suffix in _COMPRESSED_SUFFIXES:
        name = name.removesuffix(suffix)
    return f"{index:04d}-{name}.parquet"


def _already_canonical(path: Path, fmt: str, mapping: Mapping[str, str] | None) -> bool:
    return fmt == "parquet" and mapping is None and is_canonical(pq.read_schema(path))


def _write_parquet(
    batches: Iterator[pa.RecordBatch],
    target: Path,
    summary: ReadSummary,
    progress: Callable[[int], None] | None,
) -> None:
    """Write ``batches`` to ``target`` in row groups of ``RECORD_ROW_GROUP`` rows (the last
    one shorter)."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    with closing(pq.ParquetWriter(target, LOG_RECORD, **RECORD_PARQUET_OPTIONS)) as writer:
        for batch in batches:
            pending.append(batch)
            rows += batch.num_rows
            while rows >= RECORD_ROW_GROUP:
                table = pa.Table.from_batches(pending, LOG_RECORD)
                writer.write_table(table.slice(0, RECORD_ROW_GROUP), RECORD_ROW_GROUP)
                rest = table.slice(RECORD_ROW_GROUP)
                pending, rows = rest.to_batches(), rest.num_rows
            if progress is not None:
                progress(summary.read)
        if rows:
            writer.write_table(pa.Table.from_batches(pending, LOG_RECORD), RECORD_ROW_GROUP)


def write_records(
    paths: Sequence[Path],
    fmt: str,
    out_dir: Path,
    *,
    tz: ZoneInfo | None = None,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[Path], ReadSummary]:
    """Convert each log in ``paths`` to a zstd-compressed Parquet file of ``LOG_RECORD`` in
    ``out_dir`` (created if missing) and return the files, in input order, with the summary
    of all of them. A canonical Parquet input (``fmt`` "parquet", no mapping) is returned as
    it is, its rows counted as read and used. ``progress(n)`` is called with the number of
    records read so far after every batch.

    Raises what ``read_log`` raises (``UnknownLogFormat`` before anything is written).
    """
    get_log_format(fmt)
    out_dir.mkdir(parents=True, exist_ok=True)
    summary = ReadSummary()
    outputs: list[Path] = []
    for index, path in enumerate(paths):
        if _already_canonical(path, fmt, mapping):
            rows = pq.read_metadata(path).num_rows
            summary.read += rows
            summary.used += rows
            outputs.append(path)
        else:
            target = out_dir / _output_name(index, path)
            batches = read_log(path, fmt, tz=tz, mapping=mapping, summary=summary)
            _write_parquet(batches, target, summary, progress)
            outputs.append(target)
        if progress is not None:
            progress(summary.read)
    return outputs, summary
