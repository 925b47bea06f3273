"""Columnar CSV parsing: a row plan's results, a block of rows at a time, for volume feeds.

``parse_blocks(source, header, pending, next_line, steps, constants, plan)`` reads the text
after the header in blocks of about ``BLOCK_CHARS``, lets pyarrow split a block into
columns (one thread), converts each planned column at once (``columnar_values``) and
yields ``ColumnBatch``es. A batch answers exactly what ``rowplan.apply_plan`` would for
the same records — the conformance tests hold it to that — because:

- a block is taken on the fast path only when its structure is plain: every physical
  line is one record of the header's width, every line is well-formed CSV (quotes only
  around whole fields), no comment or blank line, no lone carriage return, no line over
  ``MAX_FIELD``; any other block goes through the row plan as a whole (``batch.rows()``
  then replays its rows);
- a row with a value the plan refuses (a bad address, a formula, an empty required
  field) is handed to the row plan by itself, which gives its ``Rejected`` with the
  reason, or its ``Accepted`` when a later column repairs nothing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.columnar_values import FAST, ColumnConverter, Converted, Mask
from cleannet.engines.feeds.csvrows import MAX_FIELD, _find_header, _LineFeed, _records
from cleannet.engines.feeds.records import MAX_RAW_CHARS, Accepted, Row, Source, clip
from cleannet.engines.feeds.rowplan import (
    VOLATILE_TARGETS,
    Column,
    ColumnPlan,
    Step,
    apply_plan,
    compile_plan,
    plan_steps,
)

BLOCK_CHARS = 16 * 1024 * 1024
# One record per line, each field bare (no quote, no comma) or quoted with "" as escape.
_PLAIN_LINE = r'^(?:"(?:[^"]|"")*"|[^",\r\n]*)(?:,(?:"(?:[^"]|"")*"|[^",\r\n]*))*\r?\n$'
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass
class ColumnBatch:
    """Records of one block: converted columns, or the row plan's rows for a block that
    is not plain (``replayed``). ``failed`` rows were given to the row plan one by one and
    their results are in ``fallback``."""

    first_line: int
    count: int
    columns: list[Converted] = field(default_factory=list)
    constants: Mapping[str, FieldValue] = field(default_factory=dict)
    failed: Mask = field(default_factory=lambda: np.zeros(0, dtype=np.bool_))
    fallback: dict[int, Row] = field(default_factory=dict)
    replayed: list[Row] | None = None
    lines: int = 0
    """Line breaks in the block (the next block's first line is ``first_line + lines``)."""
    data: bytes = b""
    starts: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ends: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def raw(self, index: int) -> str:
        """Return the raw text of record ``index`` (line endings removed)."""
        return self.data[self.starts[index] : self.ends[index]].decode("utf-8")

    def fields(self, index: int) -> dict[str, FieldValue]:
        """Return the event fields of a record that was not handed to the row plan."""
        fields = dict(self.constants)
        for column in self.columns:
            code = column.codes[index]
            if code >= 0:
                fields[column.target] = column.values[code]
            elif code == FAST:
                fields[column.target] = column.value(index)[1]
        return fields

    def accepted_rows(self, indexes: list[int]) -> list[Accepted]:
        """Return the records at ``indexes`` (none handed to the row plan) as ``Accepted``,
        each column read once for all of them (what ``row`` gives one by one)."""
        rows = [dict(self.constants) for _ in indexes]
        for column in self.columns:
            codes = column.codes[indexes].tolist()
            values, target = column.values, column.target
            dense = column.dense[indexes].tolist() if column.dense is not None else codes
            time = column.is_time
            for fields, number, code in zip(rows, dense, codes, strict=True):
                if code >= 0:
                    fields[target] = values[code]
                elif code == FAST:
                    fields[target] = _EPOCH + dt.timedelta(microseconds=number) if time else number
        first = self.first_line
        return [Accepted(first + index, fields, self._clipped_raw(index))
                for index, fields in zip(indexes, rows, strict=True)]  # fmt: skip

    def _clipped_raw(self, index: int) -> str:
        raw = self.raw(index)
        return raw if len(raw) <= MAX_RAW_CHARS else clip(raw)

    def row(self, index: int) -> Row:
        """Return record ``index`` as the row plan would give it."""
        if self.replayed is not None:
            return self.replayed[index]
        if self.failed[index]:
            return self.fallback[index]
        return Accepted(self.first_line + index, self.fields(index), self._clipped_raw(index))

    def rows(self) -> Iterator[Row]:
        """Yield every record as the row plan would, in input order."""
        if self.replayed is not None:
            yield from self.replayed
            return
        for index in range(self.count):
            yield self.row(index)

    def column(self, target: str) -> Converted | None:
        """Return the converted column that fills ``target`` last (as the plan's order)."""
        found = None
        for column in self.columns:
            if column.target == target:
                found = column
        return found

    def accepted(self) -> Mask:
        """Return which records are accepted."""
        if self.replayed is not None:
            return np.array([isinstance(row, Accepted) for row in self.replayed], dtype=np.bool_)
        accepted = ~self.failed
        for index, row in self.fallback.items():
            accepted[index] = isinstance(row, Accepted)
        return accepted


class BlockParser:
    """Parses the blocks of one CSV file with one plan (its converters keep their caches)."""

    def __init__(self, header: list[str], steps: list[Step], plan: ColumnPlan,
                 constants: Mapping[str, FieldValue]) -> None:  # fmt: skip
        ordered = [s for s in steps if s[1].target not in VOLATILE_TARGETS]
        ordered += [s for s in steps if s[1].target in VOLATILE_TARGETS]
        self.positions = [position for position, _, _ in ordered]
        self.converters = [ColumnConverter(column, convert) for _, column, convert in ordered]
        self.width = len(header)
        self.plan = plan
        self.constants = dict(constants)
        self.read_options = pacsv.ReadOptions(
            use_threads=False, column_names=[f"c{i}" for i in range(self.width)],
            block_size=1 << 26,
        )  # fmt: skip
        self.parse_options = pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False)
        # Columns converted per distinct value come dictionary-encoded straight from the reader.
        encoded = {position for position, converter in zip(self.positions, self.converters,
                   strict=True) if not converter.dense_input}  # fmt: skip
        dictionary = pa.dictionary(pa.int32(), pa.string())
        self.convert_options = pacsv.ConvertOptions(
            column_types={f"c{i}": dictionary if i in encoded else pa.string()
                          for i in range(self.width)},
            strings_can_be_null=False, quoted_strings_can_be_null=False,
        )  # fmt: skip

    def parse(self, text: str, first_line: int, more: Callable[[], str]) -> ColumnBatch:
        """Return the batch of ``text`` (whole lines); its first record is on ``first_line``.

        ``more()`` reads the next line after ``text`` (for a record that goes on past it).
        """
        data = text.encode("utf-8")
        if not data.endswith(b"\n"):
            data += b"\n"
        table, lines = self._table(data)
        if table is None:
            return self._replay(text, first_line, more)
        batch = ColumnBatch(
            first_line, table.num_rows, constants=self.constants, data=data,
            starts=lines.starts, ends=lines.ends, lines=len(lines.starts),
        )  # fmt: skip
        failed = np.zeros(table.num_rows, dtype=np.bool_)
        for position, converter in zip(self.positions, self.converters, strict=True):
            converted, refused = converter.convert(table.column(position).combine_chunks())
            batch.columns.append(converted)
            failed |= refused
        batch.failed = failed
        for index in np.flatnonzero(failed):
            batch.fallback[int(index)] = self._one_row(batch, int(index))
        return batch

    def _table(self, data: bytes) -> tuple[pa.Table | None, _Lines]:
        """Return the block as columns (None when it is not plain) and its line bounds."""
        octets = np.frombuffer(data, dtype=np.uint8)
        lines = _line_bounds(octets)
        if lines.irregular or _odd_quotes(data, lines.starts):
            return None, lines
        try:
            table = pacsv.read_csv(
                io.BytesIO(data), read_options=self.read_options,
                parse_options=self.parse_options, convert_options=self.convert_options,
            )  # fmt: skip
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None, lines  # e.g. a line with a field count other than the header's
        if table.num_rows != len(lines.starts):
            return None, lines
        first = table.column(0)
        first = first.cast(pa.string()) if pa.types.is_dictionary(first.type) else first
        if pc.any(pc.starts_with(first, "#")).as_py():
            return None, lines  # a comment after the header: the row plan skips it
        return table, lines

    def _one_row(self, batch: ColumnBatch, index: int) -> Row:
        raw = batch.raw(index)
        values = next(csv.reader([raw], strict=False))
        record = (batch.first_line + index, values, raw)
        return next(apply_plan(self.plan, iter([record])))

    def _replay(self, text: str, first_line: int, more: Callable[[], str]) -> ColumnBatch:
        """Run the row plan over the block, and on past its end while a record is open
        (a quoted field holding line breaks): the row plan decides where records end."""
        extra: list[str] = []

        def lines() -> Iterator[str]:
            yield from io.StringIO(text, newline="")
            while feed.taken and (line := more()):
                extra.append(line)
                yield line

        feed = _LineFeed(lines(), None, first_line)  # type: ignore[arg-type]
        rows = list(apply_plan(self.plan, _records(feed, ",")))
        whole = text + "".join(extra)
        breaks = whole.count("\n") + whole.count("\r") - whole.count("\r\n")
        return ColumnBatch(first_line, len(rows), replayed=rows, lines=breaks)


def _odd_quotes(data: bytes, starts: npt.NDArray[np.int64]) -> bool:
    """Whether a line holds an odd number of quotes (a record spanning lines, or a quote
    inside a field: the row plan reads those its own way)."""
    if b'"' not in data:
        return False
    offsets = np.empty(len(starts) + 1, dtype=np.int64)
    offsets[:-1], offsets[-1] = starts, len(data)
    lines = pa.Array.from_buffers(
        pa.large_binary(), len(starts), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )
    counts = pc.count_substring(lines, '"').to_numpy(zero_copy_only=False)
    return bool((counts & 1).any())


@dataclass
class _Lines:
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    irregular: bool


def _line_bounds(octets: npt.NDArray[np.uint8]) -> _Lines:
    """Return each line's start and end (without its line ending).

    ``irregular``: a lone carriage return (a line break the row plan counts and pyarrow
    may not), a blank line, or a line longer than the row plan's ``MAX_FIELD``.
    """
    newlines = np.flatnonzero(octets == 10).astype(np.int64)
    starts = np.concatenate(([0], newlines[:-1] + 1)).astype(np.int64)
    ends = newlines.copy()
    carriage = (ends > starts) & (octets[np.maximum(ends - 1, 0)] == 13)
    ends[carriage] -= 1
    lone_returns = int(np.count_nonzero(octets == 13)) - int(carriage.sum())
    longest = int((ends - starts).max()) if len(starts) else 0
    blank = bool((ends == starts).any())  # the row plan skips blank lines
    return _Lines(starts, ends, lone_returns != 0 or longest > MAX_FIELD or blank)


def read_blocks(stream: TextIO, pending: str | None) -> Iterator[str]:
    """Yield successive whole-line blocks of ``stream`` (``pending`` first).

    Reads nothing ahead: a block's parser may read on from ``stream`` (see ``_replay``).
    """
    carry = pending or ""
    while True:
        chunk = stream.read(BLOCK_CHARS)
        text = carry + chunk + (stream.readline() if chunk else "")
        carry = ""
        if not text:
            return
        yield text


def parse_columnar(
    source: Source, columns: Iterable[Column], constants: Mapping[str, FieldValue]
) -> tuple[ColumnPlan, Iterator[ColumnBatch]]:
    """Return the plan of ``source``'s header and the batches of its records.

    Raises ``FeedFormatError`` without a header and ``MissingColumns`` when a required
    column is absent, as ``rowplan.parse_with_plan`` does.
    """
    columns = list(columns)
    stream = source.open_text()
    try:
        header, pending, next_line = _find_header(stream, source.name, ",")
        steps = plan_steps(header, columns)
    except BaseException:
        stream.close()
        raise
    plan = compile_plan(header, columns, constants)
    parser = BlockParser(header, steps, plan, constants)
    return plan, _batches(stream, parser, pending, next_line)


def _batches(
    stream: TextIO, parser: BlockParser, pending: str | None, next_line: int
) -> Iterator[ColumnBatch]:
    try:
        line = next_line - (1 if pending is not None else 0)
        for text in read_blocks(stream, pending):
            batch = parser.parse(text, line, stream.readline)
            line += batch.lines
            yield batch
    finally:
        stream.close()


def replayed_batches(rows: Iterable[Row], size: int = 65536) -> Iterator[ColumnBatch]:
    """Yield ``rows`` (a row parser's output) as replayed batches of ``size`` rows."""
    chunk: list[Row] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield ColumnBatch(chunk[0].row, len(chunk), replayed=chunk)
            chunk = []
    if chunk:
        yield ColumnBatch(chunk[0].row, len(chunk), replayed=chunk)
