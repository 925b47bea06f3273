"""The pipeline over column batches: attribution per row and aggregation per block.

``attribute_rows(batch, lookup_many)`` gives every accepted record of a batch the holding
of its ``source.ip`` on the UTC day of its ``time.source`` — the same answer one
``PrefixIndex.lookup`` per row gives, asked once per distinct (address, day).

``run_columnar_pipeline(batches, attribute=…, window=…)`` yields ``pipeline.Batch``es
equal to what ``pipeline.run_pipeline`` yields for the same rows when both cut batches at
the same rows: duplicates by raw text within the run, aggregates by the same stable key
with the first row's fields, count and first/last seen, attributed once per aggregate.
Batches end after the same ``batch_rows`` input rows, so a run's checkpoints fall at the
same rows whichever of the two pipelines stored them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from cleannet.engines.feeds.columnar import ColumnBatch
from cleannet.engines.feeds.columnar_values import Converted
from cleannet.engines.feeds.pipeline import (
    DEFAULT_BATCH_ROWS,
    DEFAULT_WINDOW,
    OBSERVABLES,
    Aggregate,
    Attributor,
    Batch,
    _Aggregator,
    _group_key,
)
from cleannet.engines.feeds.records import MAX_RAW_CHARS, Accepted, Rejected, clip

LookupMany = Callable[[Sequence[str], dt.date], Sequence[object]]
_DAY_MICROS = 86_400_000_000
_EPOCH_DAY = dt.date(1970, 1, 1)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def attribute_rows(
    batch: ColumnBatch, lookup_many: LookupMany, ip_field: str = "source.ip",
    time_field: str = "time.source",
) -> npt.NDArray[np.object_]:  # fmt: skip
    """Return, per record, the holding of its address on its UTC day (None: refused row,
    no address, or nobody held it)."""
    answers = np.full(batch.count, None, dtype=np.object_)
    if batch.replayed is not None or not batch.columns:
        for index, row in enumerate(batch.rows()):
            answers[index] = _row_hit(row, lookup_many, ip_field, time_field)
        return answers
    ips, times = batch.column(ip_field), batch.column(time_field)
    if ips is None or times is None or times.dense is None:
        return answers
    held = (ips.codes >= 0) & (times.codes != -1) & ~batch.failed
    rows = np.flatnonzero(held)
    days = times.dense[rows] // _DAY_MICROS
    keys = ips.codes[rows].astype(np.int64) * 1_000_000 + (days - days.min() if len(days) else 0)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    hits = np.empty(len(first), dtype=np.object_)
    hits[:] = _distinct_hits(ips, rows[first], days[first], lookup_many)
    answers[rows] = hits[inverse]
    for index, row in batch.fallback.items():
        answers[index] = _row_hit(row, lookup_many, ip_field, time_field)
    return answers


def _distinct_hits(
    ips: Converted, rows: npt.NDArray[np.intp], days: npt.NDArray[np.int64],
    lookup_many: LookupMany,
) -> list[object | None]:  # fmt: skip
    """Look up each (address, day) once, one ``lookup_many`` call per day."""
    hits: list[object | None] = [None] * len(rows)
    by_day: dict[int, list[int]] = {}
    for position, day in enumerate(days.tolist()):
        by_day.setdefault(day, []).append(position)
    for day, positions in by_day.items():
        texts = [str(ips.values[ips.codes[rows[p]]]) for p in positions]
        for position, hit in zip(positions, lookup_many(texts, _EPOCH_DAY + dt.timedelta(day)),
                                 strict=True):  # fmt: skip
            hits[position] = hit
    return hits


def _row_hit(row: object, lookup_many: LookupMany, ip_field: str, time_field: str) -> object:
    if not isinstance(row, Accepted):
        return None
    ip, moment = row.fields.get(ip_field), row.fields.get(time_field)
    if not isinstance(ip, str) or not isinstance(moment, dt.datetime):
        return None
    return lookup_many([ip], moment.date())[0]


def run_columnar_pipeline(
    batches: Iterable[ColumnBatch],
    attribute: Attributor | None = None,
    window: dt.timedelta = DEFAULT_WINDOW,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Iterator[Batch]:
    """Yield the batches ``run_pipeline`` yields for the same rows (see the module docstring)."""
    seen: set[int] = set()
    aggregator = _Aggregator(window, attribute)
    batch = Batch()
    for columns in batches:
        position = 0
        while position < columns.count:
            end = min(columns.count, position + batch_rows - batch.read)
            if columns.replayed is None:
                _add_block(batch, aggregator, seen, columns, range(position, end))
            else:
                for row in columns.replayed[position:end]:
                    _add_row(batch, aggregator, seen, row)
            batch.read += end - position
            position = end
            if batch.read >= batch_rows:
                batch.aggregates = aggregator.flush()
                yield batch
                batch = Batch()
    if batch.read:
        batch.aggregates = aggregator.flush()
        yield batch


def _add_row(batch: Batch, aggregator: _Aggregator, seen: set[int], row: object) -> None:
    if isinstance(row, Rejected):
        batch.rejected.append(row)
        batch.last_row = row.row
    elif isinstance(row, Accepted):
        batch.last_row = row.row
        fingerprint = hash(row.raw.encode("utf-8"))  # as a plain block's line bytes
        if fingerprint in seen:
            batch.duplicates += 1
        else:
            seen.add(fingerprint)
            batch.accepted += 1
            aggregator.add(row)


def _add_block(
    batch: Batch, aggregator: _Aggregator, seen: set[int], block: ColumnBatch, rows: range
) -> None:
    """Dedup ``rows`` of a plain block one by one, then aggregate the fresh ones by group."""
    data, low = block.data, rows.start
    starts = block.starts[low : rows.stop].tolist()
    ends = block.ends[low : rows.stop].tolist()
    failed = block.failed[low : rows.stop].tolist()
    fresh = np.zeros(block.count, dtype=np.bool_)
    late: list[Accepted] = []
    for index in rows:
        start, end, refused = starts[index - low], ends[index - low], failed[index - low]
        if refused:
            row = block.fallback[index]
            if isinstance(row, Rejected):
                batch.rejected.append(row)
                continue
            fingerprint = hash(row.raw.encode("utf-8"))
        elif end - start > MAX_RAW_CHARS:
            fingerprint = hash(clip(block.raw(index)).encode("utf-8"))  # as the row's raw
        else:
            fingerprint = hash(data[start:end])
        if fingerprint in seen:
            batch.duplicates += 1
            continue
        seen.add(fingerprint)
        batch.accepted += 1
        if refused:
            late.append(block.fallback[index])  # type: ignore[arg-type]
        else:
            fresh[index] = True
    batch.last_row = block.first_line + rows.stop - 1
    groups = _group_rows(block, fresh, aggregator.window)
    if groups is None:
        late = [_accepted(block.row(i)) for i in np.flatnonzero(fresh).tolist()] + late
        late.sort(key=lambda row: row.row)
    else:
        _merge_groups(block, aggregator, *groups)
    for row in late:
        _merge_row(aggregator, row)


class _NotGroupable(Exception):
    """A key field holds vectorised numbers: the block is aggregated row by row."""


def _accepted(row: object) -> Accepted:
    assert isinstance(row, Accepted)  # a fresh row is one the plan accepted
    return row


def _codes_of(block: ColumnBatch, target: str, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Return per row a number naming the field's value (-1: not set) for grouping."""
    column = block.column(target)
    if column is None:
        return np.full(len(rows), 0 if target in block.constants else -1, dtype=np.int64)
    if column.dense is not None:
        raise _NotGroupable(target)
    return column.codes[rows].astype(np.int64)


def _group_rows(
    block: ColumnBatch, fresh: npt.NDArray[np.bool_], window: dt.timedelta
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """Return (rows, group of each row, first row of each group), or None when the key
    does not fit a 64-bit number (then the rows are aggregated one by one)."""
    rows = np.flatnonzero(fresh)
    times = block.column("time.source")
    if times is None or times.dense is None or not len(rows):
        return None
    try:
        parts = [_observable(block, rows)]
        for target in ("classification.type", "classification.identifier", "feed.name"):
            parts.append(_codes_of(block, target, rows))
    except _NotGroupable:
        return None
    parts.append(times.dense[rows] // (window // dt.timedelta(microseconds=1)))
    key = np.zeros(len(rows), dtype=np.int64)
    span = 1
    for part in parts:
        low = int(part.min())
        width = int(part.max()) - low + 1
        span *= width
        if span >= 1 << 62:
            return None
        key = key * width + (part - low)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return rows, inverse.astype(np.intp), rows[first]


def _observable(block: ColumnBatch, rows: npt.NDArray[np.intp]) -> npt.NDArray[np.int64]:
    """Return per row which observable names it and its value's code, as one number."""
    chosen = np.full(len(rows), -1, dtype=np.int64)
    for number, target in enumerate(OBSERVABLES):
        codes = _codes_of(block, target, rows)
        take = (chosen == -1) & (codes >= 0)
        chosen[take] = number * (1 << 40) + codes[take]
    return chosen


def _merge_groups(
    block: ColumnBatch, aggregator: _Aggregator, rows: npt.NDArray[np.intp],
    groups: npt.NDArray[np.intp], firsts: npt.NDArray[np.intp],
) -> None:  # fmt: skip
    times = block.column("time.source")
    assert times is not None and times.dense is not None
    stamps = times.dense[rows]
    order = np.argsort(groups, kind="stable")
    bounds = np.flatnonzero(np.r_[True, np.diff(groups[order]) != 0])
    low = np.minimum.reduceat(stamps[order], bounds).tolist()
    high = np.maximum.reduceat(stamps[order], bounds).tolist()
    counts = np.bincount(groups).tolist()
    leaders = block.accepted_rows(firsts.tolist())
    for number, row in enumerate(leaders):
        first, last = _moment(low[number]), _moment(high[number])
        _merge(aggregator, row, counts[number], first, last)


def _moment(micros: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=micros)


def _merge_row(aggregator: _Aggregator, row: Accepted) -> None:
    moment = row.fields["time.source"]
    assert isinstance(moment, dt.datetime)
    _merge(aggregator, row, 1, moment, moment)


def _merge(
    aggregator: _Aggregator, row: Accepted, count: int, first: dt.datetime, last: dt.datetime
) -> None:
    """Add ``count`` rows led by ``row`` to their aggregate; the earliest row leads."""
    start = aggregator._start(row.fields["time.source"])  # type: ignore[arg-type]
    key = _group_key(row.fields, start)
    group = aggregator.groups.get(key)
    if group is None:
        aggregator.groups[key] = Aggregate("", row.fields, row.row, row.raw, count, first, last)
        return
    if row.row < group.row:
        group.fields, group.row, group.raw = row.fields, row.row, row.raw
    group.count += count
    group.first_seen = min(group.first_seen, first)
    group.last_seen = max(group.last_seen, last)
