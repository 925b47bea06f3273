"""Reading leaked datasets in batches: plain text, combo lists, CSV and JSON Lines.

Each reader takes a binary stream and yields ``Batch``es of values. A reader counts every
row it reads (``summary.read``) and refuses the rows it cannot read itself (the value is then
``None``); a value ``""`` means there was nothing to import (a blank line, an empty cell, a
count-0 padding line) and is counted as skipped by the importer, which hashes the rest, so
``read == used + bad + skipped`` holds.

- ``text``: every line is one value; only the line ending (``\\n`` or ``\\r\\n``) is removed,
  nothing else, because a password may start with ``#`` or end in spaces. Already-hashed
  text (``HASH`` or ``HASH:COUNT``, the Pwned Passwords downloader's lines) is read the same
  way and split by the importer.
- ``combo``: ``identifier:password`` lines (``;`` or a tab also separate); the identifier
  ends at the first separator, which no e-mail address or phone number contains.
- ``csv``: a header row, then rows; the delimiter (``, ; TAB |``) is taken from the header.
- ``jsonl``: one JSON object per line; a mapping may name a nested key as ``a.b``.

Plain text is read a block of lines at a time with list operations (the hot loop of a
billion-row import); the other formats row by row.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO

from cleannet.engines.leakindex.batch import COLUMN_NAMES, Batch
from cleannet.engines.leakindex.lines import read_combo, read_text
from cleannet.engines.leakindex.records import read_csv, read_jsonl
from cleannet.engines.leakindex.summary import ImportFormatError, ImportSummary

__all__ = ["FORMATS", "read_batches"]

FORMATS = ("text", "combo", "csv", "jsonl")


def read_batches(
    stream: IO[bytes],
    source: str,
    summary: ImportSummary,
    *,
    fmt: str,
    column: str,
    mapping: Mapping[str, str],
) -> Iterator[Batch]:
    """Yield ``Batch``es of the values in ``stream``, a file in format ``fmt``.

    ``column`` is a key of ``COLUMN_NAMES``: which header names hold the value when
    ``mapping`` names none (``{"value": ..., "count": ...}``). Raises ``ImportFormatError``
    for an unknown format, a mapping given for text, or (CSV) no value column.
    """
    if fmt in {"text", "combo"} and mapping:
        raise ImportFormatError(source, f"a column mapping means nothing for {fmt} input")
    if fmt == "text":
        return read_text(stream, source, summary)
    if fmt == "combo":
        return read_combo(stream, source, summary, identifier=column in {"email", "phone"})
    if fmt == "csv":
        return read_csv(stream, source, summary, names=COLUMN_NAMES[column], mapping=mapping)
    if fmt == "jsonl":
        return read_jsonl(stream, source, summary, names=COLUMN_NAMES[column], mapping=mapping)
    raise ImportFormatError(source, f"{fmt!r} is not one of: {', '.join(FORMATS)}")
