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
from cleannet.engines.matching.schema import LOG_RECORD, RECORD_PARQUET_OPTIONS, ReadSummary

_ROW_GROUP = 1 << 18
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
    """Write ``batches`` to ``target`` in row groups of about ``_ROW_GROUP`` rows (DuckDB and
    Spark split work by row group; tiny groups cost metadata and compression)."""
    pending: list[pa.RecordBatch] = []
    with closing(pq.ParquetWriter(target, LOG_RECORD, **RECORD_PARQUET_OPTIONS)) as writer:
        for batch in batches:
            pending.append(batch)
            if sum(part.num_rows for part in pending) >= _ROW_GROUP:
                writer.write_table(pa.Table.from_batches(pending, LOG_RECORD))
                pending = []
            if progress is not None:
                progress(summary.read)
        if pending:
            writer.write_table(pa.Table.from_batches(pending, LOG_RECORD))


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
