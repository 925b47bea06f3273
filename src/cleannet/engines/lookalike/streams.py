"""Names to watch, read from streams: domain lists and URL lists (certstream is in ``certstream``).

Every reader yields, in input order, one ``StreamName`` per name worth scoring and one
``StreamError`` per line (or name) it could not use; it never raises for bad input, so one
broken line never ends a stream. Names come out as ``normalise_domain`` makes them (lower-case
A-labels, no trailing dot); a name that does not normalise (not a host name, a label over 63
characters, an IP address, bytes that are not UTF-8) is a ``StreamError`` naming its line.

- ``names_from_list``: newly-registered-domain lists: one domain per line, ``#`` comments and
  blank lines, or CSV with a ``domain`` column (whoisds-style daily files).
- ``names_from_urls``: URLs from feeds and public reports, with or without a scheme: the
  canonical host is the name, the canonical URL goes in ``meta["url"]`` for path scoring.
- ``open_stream``: the lines of a file, ``.gz`` or ``.zip`` (each member in turn) as bytes,
  held to a size limit.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain
from cleannet.core.indicators.ip import parse_ipv4_loose
from cleannet.core.indicators.url import canonicalise_url
from cleannet.engines.feeds.records import FeedFormatError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "RecentNames",
    "StreamCounters",
    "StreamError",
    "StreamItem",
    "StreamName",
    "name_or_error",
    "names_from_list",
    "names_from_urls",
    "open_stream",
]

DEFAULT_MAX_BYTES = 1024**3
"""The most a stream file may hold once unpacked (a daily NRD list is tens of megabytes)."""

_MAX_NAME = 253
_NORMAL_NAME = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)
_MAX_RAW = 300  # how much of a bad line an error keeps: lines may be megabytes of junk
_DOMAIN_HEADER = re.compile(r"""^\W*domain(?:[_ ]?name)?\W*$""", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class StreamName:
    """One name to score. ``line`` is the 1-based line (or message) it came from, ``seen`` the
    epoch time the stream gave (certstream), ``meta`` what else the source said (certstream:
    update type, log, issuer, index; URL lists: the canonical ``url``)."""

    name: str
    source: str
    line: int | None = None
    seen: float | None = None
    meta: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class StreamError:
    """A line, message or name that could not be used: where, why, and (the start of) it."""

    line: int | None
    reason: str
    raw: str

    def __str__(self) -> str:
        where = "stream" if self.line is None else f"line {self.line}"
        return f"{where}: {self.reason}"


StreamItem = StreamName | StreamError


@dataclass(slots=True)
class StreamCounters:
    """What a reader has seen so far. ``read`` counts lines (or messages), ``names`` the names
    yielded, ``duplicates`` names dropped as repeats (within a certstream message; within a
    whole list), ``errors`` the ``StreamError`` yielded for bad input, ``heartbeats``
    certstream heartbeats, ``reconnects`` lost websocket connections."""

    read: int = 0
    names: int = 0
    heartbeats: int = 0
    errors: int = 0
    duplicates: int = 0
    reconnects: int = 0


class RecentNames:
    """The names seen lately, to score a name once when a stream repeats it (CT logs carry each
    certificate twice: the precertificate, then the certificate, seconds apart).

    Holds at most ``size`` names; when full it forgets them all at once (cheaper than an LRU,
    and repeats that matter come close together).
    """

    __slots__ = ("_names", "size")

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._names: set[str] = set()

    def seen_before(self, name: str) -> bool:
        """Return whether ``name`` was seen lately; remember it either way."""
        if name in self._names:
            return True
        if len(self._names) >= self.size:
            self._names.clear()
        self._names.add(name)
        return False


def shorten(raw: str | bytes) -> str:
    """Return ``raw`` as text cut to a length an error message can carry."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return text if len(text) <= _MAX_RAW else text[:_MAX_RAW] + "…"


def as_text(raw: str | bytes) -> str:
    """Return ``raw`` as text; raise ``InvalidValue`` for bytes that are not UTF-8 or for text
    holding U+FFFD (what a decoder leaves where the bytes were not in its encoding)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            reason = f"is not valid UTF-8 at byte {error.start} (mixed encodings?)"
            raise InvalidValue("line", shorten(raw), reason) from None
    if "\ufffd" in raw:
        raise InvalidValue(
            "line", shorten(raw), "holds bytes that are not UTF-8 (mixed encodings?)"
        )
    return raw


def name_or_error(raw: str, line: int | None) -> str | StreamError:
    """Return ``raw`` normalised as a domain name (a leading ``*.`` wildcard label dropped),
    or the ``StreamError`` that says why it is not one."""
    name = raw.removeprefix("*.")
    # Most CT names are already normal: lower-case LDH labels, a letter-led top label, no
    # A-label to check. normalise_domain returns those unchanged, at four times the cost.
    if len(name) <= _MAX_NAME and _NORMAL_NAME.fullmatch(name) and "xn--" not in name:
        return name
    try:
        return normalise_domain(name)
    except InvalidValue as error:
        return StreamError(line, f"name {shorten(raw)!r}: {error.reason}", shorten(raw))


def _content_lines(
    lines: Iterable[str | bytes], trailing_comments: bool = True
) -> Iterator[tuple[int, str | StreamError]]:
    """Yield ``(line number, text)`` for the lines with content: comments and blanks dropped.
    A URL may hold ``#`` (its fragment), so URL lists only have whole-line comments."""
    for number, raw in enumerate(lines, start=1):
        try:
            text = as_text(raw)
        except InvalidValue as error:
            yield number, StreamError(number, error.reason, shorten(raw))
            continue
        text = text.partition("#")[0] if trailing_comments else text
        text = text.strip()
        if text and not text.startswith("#"):
            yield number, text


def _domain_column(text: str) -> int | None:
    """Return the index of the ``domain`` column if ``text`` is a CSV header naming one."""
    if "," not in text and not _DOMAIN_HEADER.match(text):
        return None
    cells = next(csv.reader([text]))
    for index, cell in enumerate(cells):
        if _DOMAIN_HEADER.match(cell.strip()):
            return index
    return None


def _list_cell(text: str, column: int | None) -> str:
    if column is None and "," not in text:
        return text
    cells = next(csv.reader([text]))
    index = column or 0
    return cells[index].strip() if index < len(cells) else ""


def _list_name(text: str, line: int, column: int | None) -> str | StreamError:
    cell = _list_cell(text, column)
    if not cell:
        return StreamError(line, "has an empty domain cell", shorten(text))
    return name_or_error(cell, line)


def names_from_list(
    lines: Iterable[str | bytes],
    source: str = "nrd",
    counters: StreamCounters | None = None,
) -> Iterator[StreamItem]:
    """Yield the domains of a newly-registered-domain list, each once, in input order.

    Accepts one domain per line (``#`` starts a comment; blank lines are skipped) or CSV whose
    header (its first line with content) names a ``domain`` column; without a header, a CSV
    line's first cell is the domain. Repeats are counted in ``counters.duplicates``.
    """
    counters = counters if counters is not None else StreamCounters()
    seen: set[str] = set()
    column: int | None = None
    first = True
    for line, text in _content_lines(_counted(lines, counters)):
        if first and isinstance(text, str) and (header := _domain_column(text)) is not None:
            column, first = header, False
            continue
        first = False
        name = text if isinstance(text, StreamError) else _list_name(text, line, column)
        if isinstance(name, StreamError):
            yield _counted_item(name, counters)
        elif name in seen:
            counters.duplicates += 1
        else:
            seen.add(name)
            yield _counted_item(StreamName(name, source, line), counters)


def _url_item(text: str, line: int, source: str) -> StreamItem:
    try:
        url = canonicalise_url(text)
    except InvalidValue as error:
        return StreamError(line, f"URL: {error.reason}", shorten(text))
    host = url.partition("://")[2].split("/", 1)[0]
    if host.startswith("[") or parse_ipv4_loose(host) is not None:
        return StreamName(host.strip("[]"), source, line, meta={"url": url})
    name = name_or_error(host, line)
    if isinstance(name, StreamError):
        return name
    return StreamName(name, source, line, meta={"url": url})


def names_from_urls(
    lines: Iterable[str | bytes],
    source: str = "feed",
    counters: StreamCounters | None = None,
) -> Iterator[StreamItem]:
    """Yield the host of each URL line (a missing scheme means ``http``), with the Safe Browsing
    canonical URL in ``meta["url"]``. An IP host is yielded as the address (no brand is in it,
    but the path may hold one). ``#`` comments and blank lines are skipped; nothing is deduplicated
    (two URLs on one host are two reports).
    """
    counters = counters if counters is not None else StreamCounters()
    for line, text in _content_lines(_counted(lines, counters), trailing_comments=False):
        item = text if isinstance(text, StreamError) else _url_item(text, line, source)
        yield _counted_item(item, counters)


def _counted(lines: Iterable[str | bytes], counters: StreamCounters) -> Iterator[str | bytes]:
    for raw in lines:
        counters.read += 1
        yield raw


def _counted_item(item: StreamItem, counters: StreamCounters) -> StreamItem:
    if isinstance(item, StreamError):
        counters.errors += 1
    else:
        counters.names += 1
    return item


class _LineReader(Protocol):
    def readline(self, size: int = -1, /) -> bytes: ...


def _capped_lines(stream: _LineReader, name: str, max_bytes: int) -> Iterator[bytes]:
    read = 0
    # readline is bounded by what is left, so one endless line cannot fill the memory either.
    while line := stream.readline(max_bytes - read + 1):
        read += len(line)
        if read > max_bytes:
            raise FeedFormatError(name, f"is larger than {max_bytes} bytes once unpacked")
        yield line.rstrip(b"\r\n")


def _zip_lines(path: Path, max_bytes: int) -> Iterator[bytes]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise FeedFormatError(path.name, f"is not a readable zip archive: {error}") from None
    with archive:
        for member in (m for m in archive.infolist() if not m.is_dir()):
            name = f"{path.name}!{member.filename}"
            if member.filename.lower().endswith((".zip", ".gz")):
                raise FeedFormatError(name, "is an archive inside an archive; unpack it first")
            with archive.open(member) as stream:
                yield from _capped_lines(stream, name, max_bytes)


def open_stream(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[bytes]:
    """Yield the lines (bytes, without line ends) of ``path``: a file, a gzip file, or each
    member of a zip archive in turn (line numbers then run on across members). A UTF-8 BOM is
    dropped. Lines stay bytes so that the readers judge each line's encoding on its own: a
    list with one Latin-1 line among UTF-8 ones loses that line only.

    Raises ``FeedFormatError`` for a missing file, a bad archive, a nested archive, or more
    than ``max_bytes`` unpacked (when reading reaches the limit; earlier lines were yielded).
    """
    path = Path(path)
    if not path.is_file():
        raise FeedFormatError(str(path), "is not a file")
    if zipfile.is_zipfile(path):
        lines = _zip_lines(path, max_bytes)
    else:
        lines = _file_lines(path, max_bytes)
    first = next(lines, None)
    if first is not None:
        yield first.removeprefix(codecs.BOM_UTF8)
        yield from lines


def _file_lines(path: Path, max_bytes: int) -> Iterator[bytes]:
    with path.open("rb") as stream:
        if stream.read(2) != b"\x1f\x8b":
            stream.seek(0)
            yield from _capped_lines(stream, path.name, max_bytes)
            return
    with gzip.open(path, "rb") as unpacked:
        yield from _capped_lines(unpacked, path.name, max_bytes)
