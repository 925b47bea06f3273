"""Opening leaked datasets: gzip by its magic bytes, a UTF-8 BOM dropped, the format guessed
from the name."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from cleannet.engines.leakindex.summary import ImportFormatError

__all__ = ["guess_format", "open_lines"]

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
}
_READ_BUFFER = 1 << 20


def guess_format(path: Path) -> str:
    """Return ``csv``, ``jsonl`` or ``text`` from ``path``'s extension (``.gz`` looked through)."""
    name = path.name.lower().removesuffix(".gz")
    return _EXTENSIONS.get(Path(name).suffix, "text")


@contextmanager
def open_lines(path: Path) -> Iterator[BinaryIO]:
    """Yield ``path`` as a binary stream of lines, decompressed if it is gzip, after any BOM.

    Raises ``ImportFormatError`` for a UTF-16 file (leak files are UTF-8; convert it) and
    ``OSError`` for a file that cannot be read. A gzip stream cut short raises ``EOFError``
    (or ``gzip.BadGzipFile``) while it is read.
    """
    raw = path.open("rb", buffering=_READ_BUFFER)
    try:
        stream: BinaryIO = raw
        if _peek(raw, 2) == _GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        head = _peek(stream, 3)
        if head.startswith(_UTF16_BOMS):
            raise ImportFormatError(path.name, "is UTF-16 text; convert it to UTF-8 first")
        if head == _UTF8_BOM:
            stream.read(3)
        yield stream
    finally:
        raw.close()


def _peek(stream: BinaryIO, size: int) -> bytes:
    peek = getattr(stream, "peek", None)
    return bytes(peek(size)[:size]) if peek is not None else b""
