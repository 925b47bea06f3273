"""Turn files into ``Source`` objects: decompression, archives and decoding, with limits.

Limits (``Limits``): the decompressed size of any one source, the number of members of
an archive, and archive depth (a zip inside a zip is refused by default: nothing real
ships that way, zip bombs do). A source that breaks a limit raises ``FeedFormatError``
naming it when read; the other members of an archive still go through.

Decoding: UTF-8 (a BOM is dropped); when the first 64 KiB are not UTF-8 the source is read
as Latin-1, unless the feed names an encoding. Bytes that are not valid in the chosen
encoding become U+FFFD, so a damaged row is refused by its field checks, not by a crash.
"""

from __future__ import annotations

import codecs
import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, TextIO, cast

from cleannet.engines.feeds.records import FeedFormatError, Source

_SNIFF_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 4 * 1024**3
    max_members: int = 1000
    allow_nested_archives: bool = False


class _Closable(Protocol):
    def close(self) -> None: ...


class _CappedReader(io.RawIOBase):
    """A binary stream that raises ``FeedFormatError`` past ``cap`` bytes (zip/gzip bombs)."""

    def __init__(self, inner: IO[bytes], name: str, cap: int, *also: _Closable) -> None:
        self.inner, self.name_, self.cap, self.seen = inner, name, cap, 0
        self.also = also  # streams under ``inner`` that closing it leaves open (GzipFile's)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        data = self.inner.read(len(buffer))
        self.seen += len(data)
        if self.seen > self.cap:
            raise FeedFormatError(self.name_, f"is larger than {self.cap} bytes once unpacked")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        for stream in self.also:
            stream.close()
        super().close()


def choose_encoding(head: bytes, declared: str = "") -> str:
    """Return the codec to read a source whose first bytes are ``head``."""
    if declared:
        return declared
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still UTF-8.
        if exc.start < len(head) - 3:
            return "latin-1"
    return "utf-8"


def _text_stream(binary: io.RawIOBase, declared: str) -> TextIO:
    buffered = io.BufferedReader(binary, buffer_size=1024 * 1024)
    encoding = choose_encoding(buffered.peek(_SNIFF_BYTES)[:_SNIFF_BYTES], declared)
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


def _is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def _plain_source(path: Path, limits: Limits, encoding: str) -> Source:
    gzipped = _is_gzip(path)

    def open_text() -> TextIO:
        file = path.open("rb")
        if not gzipped:
            return _text_stream(_CappedReader(file, path.name, limits.max_bytes), encoding)
        unpacked = cast(IO[bytes], gzip.GzipFile(fileobj=file))
        return _text_stream(_CappedReader(unpacked, path.name, limits.max_bytes, file), encoding)

    return Source(name=path.name.removesuffix(".gz"), open_text=open_text)


def _zip_member(path: Path, member: zipfile.ZipInfo, limits: Limits, encoding: str) -> Source:
    name = f"{path.name}!{member.filename}"

    def open_text() -> TextIO:
        if member.filename.lower().endswith((".zip", ".gz")) and not limits.allow_nested_archives:
            raise FeedFormatError(name, "is an archive inside an archive; unpack it first")
        if member.file_size > limits.max_bytes:
            raise FeedFormatError(name, f"declares {member.file_size} bytes, over the limit")
        archive = zipfile.ZipFile(path)
        member_stream = archive.open(member)
        capped = _CappedReader(member_stream, name, limits.max_bytes, archive)
        return _text_stream(capped, encoding)

    return Source(name=name, open_text=open_text)


def _zip_sources(path: Path, limits: Limits, encoding: str) -> Iterator[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
    except zipfile.BadZipFile as exc:
        raise FeedFormatError(path.name, f"is not a readable zip archive: {exc}") from exc
    if len(members) > limits.max_members:
        raise FeedFormatError(path.name, f"has {len(members)} members, over {limits.max_members}")
    for member in members:
        yield _zip_member(path, member, limits, encoding)


def open_sources(path: Path, limits: Limits | None = None, encoding: str = "") -> Iterator[Source]:
    """Yield one ``Source`` per file: the file itself, or each member of a zip archive.

    Raises ``FeedFormatError`` for a missing file or an unreadable archive.
    """
    limits = limits or Limits()
    if not path.is_file():
        raise FeedFormatError(str(path), "is not a file")
    if zipfile.is_zipfile(path):
        yield from _zip_sources(path, limits, encoding)
    else:
        yield _plain_source(path, limits, encoding)


def text_source(name: str, text: str) -> Source:
    """Return a ``Source`` over ``text`` (tests, API uploads already decoded)."""
    return Source(name=name, open_text=lambda: io.StringIO(text, newline=""))
