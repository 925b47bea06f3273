"""The driver of the line-oriented formats: lines in, ``LOG_RECORD`` batches out.

A format supplies a ``LineParser`` whose ``parse(line)`` returns a ``Row``, None for a line
of no interest (a header, a comment, a record without a usable name), or raises
``LineError`` for a line it cannot use. The driver counts every line into the summary
(``read == used + bad + skipped``), samples the bad ones, adds the evidence
(``<file name>:<line number>``) and builds a batch every ``batch_rows`` records, one
Arrow array per column: the per-line Python work is the parser's and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc

from cleannet.engines.matching.logs.base import (
    LineError,
    LogInput,
    NeedsTimezone,
    Row,
    ZonelessTime,
)
from cleannet.engines.matching.logs.opening import open_text
from cleannet.engines.matching.schema import LOG_RECORD, ReadSummary


class LineParser(Protocol):
    def parse(self, line: str) -> Row | None: ...


def build_batch(rows: list[Row], numbers: list[int], source: str) -> pa.RecordBatch:
    """Return ``rows`` as a ``LOG_RECORD`` batch; ``numbers`` are their line numbers."""
    columns = list(zip(*rows, strict=True))
    evidence = pc.binary_join_element_wise(
        source + ":", pa.array(numbers, pa.int64()).cast(pa.string()), ""
    )
    arrays = [
        pa.array(column, field.type)
        for column, field in zip(columns, LOG_RECORD, strict=False)  # evidence comes last
    ]
    return pa.RecordBatch.from_arrays([*arrays, evidence], schema=LOG_RECORD)


class _Tally:
    """Counts lines locally and adds them to the shared summary at each batch and at the end."""

    def __init__(self, summary: ReadSummary) -> None:
        self.summary = summary
        self.read = self.used = self.skipped = 0
        self._reported = (0, 0, 0)

    def report(self) -> None:
        read, used, skipped = self._reported
        self.summary.read += self.read - read
        self.summary.used += self.used - used
        self.summary.skipped += self.skipped - skipped
        self._reported = (self.read, self.used, self.skipped)


def read_lines(log: LogInput, parser: LineParser) -> Iterator[pa.RecordBatch]:
    """Yield the records ``parser`` finds in the lines of ``log.path``.

    Raises ``NeedsTimezone`` when the first time the file needs a zone comes before any
    record was taken from it and ``log.tz`` is None; a zoneless time after that is a bad line.
    """
    tally = _Tally(log.summary)
    try:
        with open_text(log.path) as stream:
            yield from _batches(enumerate(stream, 1), log, parser, tally)
    finally:
        tally.report()


def _batches(
    lines: Iterator[tuple[int, str]], log: LogInput, parser: LineParser, tally: _Tally
) -> Iterator[pa.RecordBatch]:
    # The loop every log line goes through: kept to the fewest operations per line.
    source, limit, parse, reject = log.source, log.batch_rows, parser.parse, log.summary.reject
    rows: list[Row] = []
    numbers: list[int] = []
    number = 0
    try:
        for number, text in lines:
            line = text.rstrip("\n")
            try:
                row = parse(line) if line else None
            except ZonelessTime as error:
                if tally.used == 0 and not rows:
                    raise NeedsTimezone(source, log.fmt) from None
                reject(source, number, error.reason, line)
                continue
            except LineError as error:
                if line.isspace():
                    tally.skipped += 1
                else:
                    reject(source, number, error.reason, line)
                continue
            if row is None:
                tally.skipped += 1
                continue
            rows.append(row)
            numbers.append(number)
            if len(rows) >= limit:
                tally.read, tally.used = number, tally.used + len(rows)
                tally.report()
                yield build_batch(rows, numbers, source)
                rows, numbers = [], []
        if rows:
            tally.read, tally.used = number, tally.used + len(rows)
            tally.report()
            yield build_batch(rows, numbers, source)
    finally:
        tally.read = number
