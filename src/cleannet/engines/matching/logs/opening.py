"""Open a log file whatever its compression: gzip and zstd are told by their magic bytes.

Rotated logs are often compressed without the extension saying so (``dns.log.1`` holding
gzip), or named ``.gz`` after a tool left them plain; the first bytes decide, never the
name. Text is read as UTF-8; bytes that are not UTF-8 become U+FFFD, so a damaged line is
refused by its field checks rather than stopping the file.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import IO, Literal

import pyarrow as pa
import zstandard

_GZIP_MAGIC = b"\x1f\x8b"
_ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_BUFFER = 1 << 20

Compression = Literal["gzip", "zstd"] | None


def compression_of(path: Path) -> Compression:
    """Return "gzip", "zstd" or None (plain) from the first bytes of ``path``."""
    with path.open("rb") as raw:
        magic = raw.read(4)
    if magic.startswith(_GZIP_MAGIC):
        return "gzip"
    if magic == _ZSTD_MAGIC:
        return "zstd"
    return None


def open_binary(path: Path) -> IO[bytes]:
    """Return a buffered binary stream of the decompressed content of ``path``.

    Several gzip members or zstd frames in a row (``cat a.gz b.gz``) are read as one
    stream. Raises ``OSError`` if the file cannot be opened.
    """
    compression = compression_of(path)
    if compression == "gzip":
        return io.BufferedReader(gzip.open(path, "rb"), _BUFFER)
    if compression == "zstd":
        # closefd (the default) makes closing the reader close the file too.
        reader = zstandard.ZstdDecompressor().stream_reader(
            path.open("rb"), read_across_frames=True
        )
        return io.BufferedReader(reader, _BUFFER)
    return path.open("rb")


def open_text(path: Path) -> IO[str]:
    """Return ``open_binary(path)`` decoded as UTF-8 (a BOM dropped, invalid bytes replaced)."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", errors="replace")


def open_arrow(path: Path) -> pa.NativeFile:
    """Return an Arrow input stream of the decompressed content of ``path`` (for pyarrow.csv)."""
    compression = compression_of(path)
    if compression is None:
        return pa.OSFile(str(path), "rb")
    return pa.PythonFile(open_binary(path), mode="r")
