"""Decompression in bounded chunks, and the small stream adapters the archive readers share.

Every decoder here is a generator of ``bytes`` chunks of at most ``OUT_CHUNK`` bytes: nothing
is ever sized from a header, so a member that declares 2**60 bytes costs only what is really
unpacked before a limit stops it. A stream that ends before its end marker raises
``TruncatedStream``; the codecs' own errors (``zlib.error``, ``lzma.LZMAError``, ``OSError``,
``EOFError``) pass through and are listed in ``DECODE_ERRORS``.
"""

from __future__ import annotations

import bz2
import io
import lzma
import tarfile
import zlib
from collections.abc import Callable, Generator, Iterator
from typing import Protocol

from cleannet.scanner.archive_limits import Budget, LimitReached, describe_size
from cleannet.scanner.model import UnscannedReason

__all__ = [
    "DECODE_ERRORS",
    "IN_CHUNK",
    "LZMA_MEMORY_LIMIT",
    "OUT_CHUNK",
    "ChunkReader",
    "TruncatedStream",
    "bzip2_stream",
    "gzip_stream",
    "limited",
    "peek",
    "raw_chunks",
    "xz_stream",
    "zip_decoder",
]

IN_CHUNK = 64 * 1024
# xz -9 needs 65 MiB to decode; a header may ask for gigabytes.
LZMA_MEMORY_LIMIT = 256 << 20
OUT_CHUNK = 1 << 20


class TruncatedStream(Exception):
    """The compressed data ended before its end marker."""


DECODE_ERRORS: tuple[type[BaseException], ...] = (
    TruncatedStream,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    ValueError,
    tarfile.TarError,
)


class _BlockDecompressor(Protocol):
    """bz2.BZ2Decompressor and lzma.LZMADecompressor share this shape."""

    @property
    def eof(self) -> bool: ...
    @property
    def needs_input(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...
    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def raw_chunks(data: bytes | memoryview) -> Iterator[bytes]:
    """``data`` itself in chunks (a stored zip member, an uncompressed tar)."""
    view = memoryview(data)
    for start in range(0, len(view), OUT_CHUNK):
        yield bytes(view[start : start + OUT_CHUNK])


def _zlib_member(
    decoder: zlib._Decompress, src: memoryview, pos: int
) -> Generator[bytes, None, int]:
    """Yield one stream's output; return the position just after the stream."""
    while not decoder.eof:
        if decoder.unconsumed_tail:
            chunk = decoder.unconsumed_tail
        else:
            chunk = bytes(src[pos : pos + IN_CHUNK])
            pos += len(chunk)
        out = decoder.decompress(chunk, OUT_CHUNK)
        if out:
            yield out
        elif not chunk:
            raise TruncatedStream("the compressed data ends before its end marker")
    return pos - len(decoder.unused_data)


def _block_member(
    decoder: _BlockDecompressor, src: memoryview, pos: int, *, needs_end: bool = True
) -> Generator[bytes, None, int]:
    """Yield one stream's output; return the position just after the stream."""
    while not decoder.eof:
        chunk = b""
        if decoder.needs_input:
            if pos >= len(src):
                if needs_end:
                    raise TruncatedStream("the compressed data ends before its end marker")
                return pos
            chunk = bytes(src[pos : pos + IN_CHUNK])
            pos += len(chunk)
        out = decoder.decompress(chunk, OUT_CHUNK)
        if out:
            yield out
    return pos - len(decoder.unused_data)


def _skip_padding(src: memoryview, pos: int) -> int:
    # gzip and xz files may be padded with zero bytes after a stream.
    while pos < len(src) and src[pos] == 0:
        pos += 1
    return pos


def gzip_stream(data: bytes) -> Iterator[bytes]:
    """The content of a gzip file; concatenated members follow one another (as gunzip)."""
    src, pos = memoryview(data), 0
    while True:
        pos = yield from _zlib_member(zlib.decompressobj(31), src, pos)
        pos = _skip_padding(src, pos)
        if pos >= len(src):
            return


def _block_streams(data: bytes, make: Callable[[], _BlockDecompressor]) -> Iterator[bytes]:
    src, pos = memoryview(data), 0
    while True:
        pos = yield from _block_member(make(), src, pos)
        pos = _skip_padding(src, pos)
        if pos >= len(src):
            return


def bzip2_stream(data: bytes) -> Iterator[bytes]:
    """The content of a bzip2 file (concatenated streams, as pbzip2 writes, included)."""
    return _block_streams(data, bz2.BZ2Decompressor)


def xz_stream(data: bytes) -> Iterator[bytes]:
    """The content of an xz file (concatenated streams and stream padding included)."""
    return _block_streams(
        data, lambda: lzma.LZMADecompressor(lzma.FORMAT_XZ, memlimit=LZMA_MEMORY_LIMIT)
    )


def _deflate(src: memoryview) -> Iterator[bytes]:
    yield from _zlib_member(zlib.decompressobj(-15), src, 0)


def _bzip2(src: memoryview) -> Iterator[bytes]:
    yield from _block_member(bz2.BZ2Decompressor(), src, 0)


def _zip_lzma(src: memoryview) -> Iterator[bytes]:
    # APPNOTE 5.8.8: version (2), properties size (2), LZMA1 properties, raw stream. The
    # stream may end without an end marker, at the end of the compressed data.
    if len(src) < 9:
        raise TruncatedStream("the LZMA header is cut off")
    props_size = int.from_bytes(src[2:4], "little")
    props = bytes(src[4 : 4 + props_size])
    if props_size < 5 or len(props) < 5:
        raise TruncatedStream("the LZMA properties are cut off")
    lc_lp_pb, dict_size = props[0], int.from_bytes(props[1:5], "little")
    if lc_lp_pb >= 9 * 5 * 5:
        raise lzma.LZMAError("invalid LZMA properties")
    if dict_size > LZMA_MEMORY_LIMIT:  # raw streams take no memlimit: refuse the allocation
        raise lzma.LZMAError(f"the LZMA dictionary ({dict_size} bytes) is too large")
    lzma_filter = {
        "id": lzma.FILTER_LZMA1,
        "dict_size": dict_size,
        "lc": lc_lp_pb % 9,
        "lp": (lc_lp_pb // 9) % 5,
        "pb": lc_lp_pb // 45,
    }
    decoder = lzma.LZMADecompressor(lzma.FORMAT_RAW, filters=[lzma_filter])
    yield from _block_member(decoder, src, 4 + props_size, needs_end=False)


_ZIP_METHODS: dict[int, Callable[[memoryview], Iterator[bytes]]] = {
    0: raw_chunks,
    8: _deflate,
    12: _bzip2,
    14: _zip_lzma,
}


def zip_decoder(method: int) -> Callable[[memoryview], Iterator[bytes]] | None:
    """The decoder for a zip compression method (stored, deflate, bzip2, LZMA), or None."""
    return _ZIP_METHODS.get(method)


def limited(chunks: Iterator[bytes], budget: Budget, packed: int) -> Iterator[bytes]:
    """Pass ``chunks`` through while the stream stays within the ratio, size and time limits.

    Raises ``LimitReached`` when, past ``ratio_floor_bytes``, more than ``max_ratio`` times
    ``packed`` bytes came out, when the stream passes ``max_total_bytes`` (whatever is
    skipped inside it still costs time), or at the deadline.
    """
    limits, produced = budget.limits, 0
    for chunk in chunks:
        budget.check_time()
        produced += len(chunk)
        if produced > limits.ratio_floor_bytes and produced > limits.max_ratio * packed:
            raise LimitReached(
                UnscannedReason.RATIO_LIMIT,
                f"the stream unpacks to more than {limits.max_ratio:g} times its "
                f"{describe_size(packed)}",
            )
        if produced > limits.max_total_bytes:
            raise budget.total_exhausted()
        yield chunk


def peek(chunks: Iterator[bytes], size: int) -> tuple[bytes, Iterator[bytes]]:
    """The first ``size`` bytes (fewer if the stream is shorter) and the whole stream again.

    An error met while peeking is raised by the returned stream, after the bytes read.
    """
    taken: list[bytes] = []
    got, error = 0, None
    try:
        while got < size:
            chunk = next(chunks, None)
            if chunk is None:
                break
            taken.append(chunk)
            got += len(chunk)
    except Exception as exc:  # re-raised in order by the returned stream
        error = exc
    return b"".join(taken)[:size], _replay(taken, chunks, error)


def _replay(taken: list[bytes], rest: Iterator[bytes], error: Exception | None) -> Iterator[bytes]:
    yield from taken
    if error is not None:
        raise error
    yield from rest


class ChunkReader(io.RawIOBase):
    """A read-only binary file over an iterator of chunks (for ``tarfile``'s stream mode)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        super().__init__()
        self._chunks = chunks
        self._chunk = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        # Slices the current chunk: one copy per call (RawIOBase.read would make two).
        if size is None or size < 0:
            return self.readall()
        while self._pos >= len(self._chunk):
            chunk = next(self._chunks, None)
            if chunk is None:
                return b""
            self._chunk, self._pos = chunk, 0
        piece = self._chunk[self._pos : self._pos + size]
        self._pos += len(piece)
        return piece

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        piece = self.read(len(buffer))
        buffer[: len(piece)] = piece
        return len(piece)
