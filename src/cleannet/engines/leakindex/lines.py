"""Line-oriented leak files: plain text (every line a value) and combo lists (``id:password``).

Plain text is read a block of lines at a time: a block is decoded and split in C, so the hot
loop of a billion-row import runs in list operations, not a Python step per row. Only the line
ending (``\\n`` or ``\\r\\n``) is removed, nothing else: a password may start with ``#``
or end in spaces. A line that is not UTF-8 or longer than ``MAX_VALUE_CHARS`` is refused
alone; a line longer than ``LONGEST_LINE`` bytes is refused without being held in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from cleannet.engines.leakindex.batch import MAX_VALUE_CHARS, Batch
from cleannet.engines.leakindex.summary import ImportSummary

__all__ = ["LONGEST_LINE", "read_combo", "read_text"]

_BATCH_BYTES = 256 * 1024
LONGEST_LINE = 1024 * 1024
_SEPARATORS = ":;\t"


def _decoded_slowly(
    raws: list[bytes], source: str, first: int, summary: ImportSummary
) -> list[str | None]:
    values: list[str | None] = []
    for index, raw in enumerate(raws):
        try:
            value: str | None = raw.decode("utf-8")
        except UnicodeDecodeError:
            summary.reject(source, first + index, "is not valid UTF-8")
            value = None
        if value is not None and len(value) > MAX_VALUE_CHARS:
            summary.reject(source, first + index, f"the value is over {MAX_VALUE_CHARS} characters")
            value = None
        values.append(value)
    return values


def _without_returns(raws: list[bytes]) -> list[bytes]:
    return [raw[:-1] if raw.endswith(b"\r") else raw for raw in raws]


def _block_lines(block: bytes, source: str, first: int, summary: ImportSummary) -> list[str | None]:
    """Return the lines of ``block`` (whole lines, the last one without its ending) decoded.

    The whole block is decoded and split in C; a line that is not UTF-8, or too long, sends
    the block through the line-by-line path, which refuses that line alone (``None``).
    """
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return _decoded_slowly(_without_returns(block.split(b"\n")), source, first, summary)
    values: list[str | None] = list(text.split("\n"))
    if "\r" in text:
        values = [value[:-1] if value.endswith("\r") else value for value in text.split("\n")]
    if len(block) > MAX_VALUE_CHARS and max(map(len, text.split("\n"))) > MAX_VALUE_CHARS:
        return _decoded_slowly(_without_returns(block.split(b"\n")), source, first, summary)
    return values


class _LineBlocks:
    """Cuts a stream into blocks of whole lines; a line longer than ``LONGEST_LINE`` bytes is
    refused as it is read, never held in memory."""

    def __init__(self, stream: IO[bytes], source: str, summary: ImportSummary) -> None:
        self.stream, self.source, self.summary = stream, source, summary
        self.first, self.carry, self.overlong = 1, b"", False

    def _batch(self, block: bytes) -> Batch:
        values = _block_lines(block, self.source, self.first, self.summary)
        batch = Batch(self.source, values, self.first)
        self.summary.read += len(values)
        self.first += len(values)
        return batch

    def _refuse_overlong(self) -> Batch:
        self.summary.reject(self.source, self.first, f"the line is over {LONGEST_LINE} bytes")
        self.overlong = False
        self.summary.read += 1
        self.first += 1
        return Batch(self.source, [None], self.first - 1)

    def __iter__(self) -> Iterator[Batch]:
        # ``carry`` holds the start of a line whose end is not read yet: never a line break.
        while data := self.stream.read(_BATCH_BYTES):
            data, self.carry = self.carry + data, b""
            if self.overlong:
                cut = data.find(b"\n")
                if cut < 0:
                    continue
                yield self._refuse_overlong()
                data = data[cut + 1 :]
            cut = data.rfind(b"\n")
            if cut < 0:
                self.overlong = len(data) > LONGEST_LINE
                self.carry = b"" if self.overlong else data
                continue
            self.carry = data[cut + 1 :]
            yield self._batch(data[:cut])
        if self.overlong:
            yield self._refuse_overlong()
        elif self.carry:
            yield self._batch(self.carry)


def _line_blocks(stream: IO[bytes], source: str, summary: ImportSummary) -> Iterator[Batch]:
    """Yield the stream's lines, decoded and without their endings, a block at a time."""
    return iter(_LineBlocks(stream, source, summary))


def read_text(stream: IO[bytes], source: str, summary: ImportSummary) -> Iterator[Batch]:
    """Yield every line as a value."""
    return _line_blocks(stream, source, summary)


def _identifier_or_password(
    text: str | None, identifier: bool, source: str, line: int, summary: ImportSummary
) -> str | None:
    if text is None or not text.strip():
        return "" if text is not None else None
    cut = min((i for i in map(text.find, _SEPARATORS) if i >= 0), default=-1)
    if cut < 0:
        summary.reject(source, line, "has no ':', ';' or tab between identifier and password")
        return None
    return text[:cut].strip() if identifier else text[cut + 1 :]


def read_combo(
    stream: IO[bytes], source: str, summary: ImportSummary, *, identifier: bool
) -> Iterator[Batch]:
    """Yield the identifier (``identifier=True``) or the password of ``id:password`` lines."""
    for batch in _line_blocks(stream, source, summary):
        batch.values = [
            _identifier_or_password(text, identifier, source, batch.first_line + i, summary)
            for i, text in enumerate(batch.values)
        ]
        yield batch
