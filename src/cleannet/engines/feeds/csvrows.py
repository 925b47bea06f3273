"""Reading CSV feeds by header name, the way real providers write them.

Providers put a ``#`` banner before the data (abuse.ch), sometimes with the header as
the last comment line (URLhaus, ThreatFox, MalwareBazaar), sometimes as the first line
after it (Feodo Tracker); ThreatFox separates fields with ``", "``. ``read_csv`` finds the
header either way and yields each record with its first physical line number and its
raw text (kept as evidence). A record the csv module cannot read (an unclosed quote at
the end of a truncated file, a field over ``MAX_FIELD``) becomes a ``BadRecord`` and the
next one is read as usual.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from cleannet.engines.feeds.records import FeedFormatError, Source

MAX_FIELD = 1024 * 1024
csv.field_size_limit(MAX_FIELD)


Record = tuple[int, list[str], str]
"""A record read: its first line number, its values, and its raw text (a plain tuple:
one is made per line of every CSV feed)."""


@dataclass(frozen=True, slots=True)
class BadRecord:
    row: int
    reason: str
    raw: str


@dataclass
class CsvFile:
    """A CSV source opened for reading: its header and its records (one pass only)."""

    header: list[str]
    records: Iterator[Record | BadRecord]


class _LineFeed:
    """Hands lines to ``csv.reader`` and remembers them, so each record's raw text is known.

    ``lines`` is a generator (cheaper per line than a ``__next__`` method: this runs once
    per line of every CSV feed); ``line`` is the number of the last line handed out.
    """

    def __init__(self, stream: TextIO, pending: str | None, next_line: int) -> None:
        self.taken: list[str] = []
        self.line = next_line - 1 - (1 if pending is not None else 0)
        self.lines = self._lines(stream, pending)

    def _lines(self, stream: TextIO, pending: str | None) -> Iterator[str]:
        taken = self.taken
        if pending is not None:
            taken.append(pending)
            yield pending
        for text in stream:
            taken.append(text)
            yield text

    def take(self) -> str:
        """Return the raw text of the record just read and forget it."""
        taken = self.taken
        self.line += len(taken)
        raw = taken[0] if len(taken) == 1 else "".join(taken)
        taken.clear()
        return raw.rstrip("\r\n")


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_ .\-]*")


def _split(line: str, separator: str) -> list[str]:
    values = next(csv.reader([line], skipinitialspace=separator == ", "), [])
    return [value.strip().strip('"').strip() for value in values]


def _is_header(values: list[str]) -> bool:
    return bool(values) and all(_NAME.fullmatch(value) for value in values)


def _find_header(stream: TextIO, name: str, separator: str) -> tuple[list[str], str | None, int]:
    """Return the header, a data line read past it (or None) and the next line's number.

    The header is the first non-comment line when that line looks like one (names only);
    otherwise the last comment line that holds comma-separated names.
    """
    last_comment: list[str] = []
    number = 0
    while line := stream.readline():
        number += 1
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            last_comment = _split(stripped.lstrip("#").strip(), separator)
            continue
        if _is_header(_split(stripped, separator)):
            return _split(stripped, separator), None, number + 1
        if len(last_comment) > 1 and _is_header(last_comment):
            return last_comment, line, number + 1
        break
    else:
        if len(last_comment) > 1 and _is_header(last_comment):
            return last_comment, None, number + 1  # a header and no data at all
    raise FeedFormatError(name, "has no CSV header line (a line of column names)")


def _records(feed: _LineFeed, separator: str) -> Iterator[Record | BadRecord]:
    reader = csv.reader(feed.lines, skipinitialspace=separator == ", ", strict=False)
    while True:
        try:
            # One try per file rather than per record: the loop is the hot path.
            for values in reader:
                start = feed.line + 1
                raw = feed.take()
                # Blank lines and comment lines after the header (a footer) are not records.
                if values and (values[0] or len(values) > 1) and not values[0].startswith("#"):
                    yield (start, values, raw)
            return
        except csv.Error as exc:
            start = feed.line + 1
            yield BadRecord(start, f"cannot be read as CSV: {exc}", feed.take())


def read_csv(source: Source, separator: str = ",") -> CsvFile:
    """Open ``source`` and return its header and records; ``separator`` may be ``", "``.

    Raises ``FeedFormatError`` when no header line can be found.
    """
    stream = source.open_text()
    try:
        header, pending, next_line = _find_header(stream, source.name, separator)
    except BaseException:
        stream.close()
        raise
    feed = _LineFeed(stream, pending, next_line)
    return CsvFile(header=header, records=_closing(stream, _records(feed, separator)))


def _closing(stream: TextIO, records: Iterator[Record | BadRecord]) -> Iterator[Record | BadRecord]:
    """Yield ``records`` and close ``stream`` when they end or the reader stops early."""
    try:
        yield from records
    finally:
        stream.close()
