"""What the lease, indicator and hub-event readers share: opening files, addresses, times.

Times travel as ``int`` microseconds since the Unix epoch (UTC) until a table is built:
intervals are compared and shifted (session lengths), and integers sort and subtract
without time-zone surprises.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TextIO, cast

import zstandard

from cleannet.core.errors import CleanNetError
from cleannet.core.indicators import ipv4_mapped, normalise_ip

__all__ = [
    "NeedsTimezone",
    "canonical_ip",
    "csv_rows",
    "epoch_micros",
    "format_name",
    "iso_micros",
    "micros",
    "open_text",
    "seconds_micros",
]

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROS = dt.timedelta(microseconds=1)
_COMPRESSED = {".gz", ".zst"}
_EPOCH_TEXT = re.compile(r"[0-9]{1,12}(?:\.[0-9]+)?")
# A dotted quad already in core's canonical form (no leading zeros, each part <= 255):
# core would return it unchanged, at 30 times the cost (tests hold the two equal).
_CANONICAL_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
)


class NeedsTimezone(CleanNetError):
    """A file's times carry no timezone and none was given: guessing local time would shift
    every interval by hours, so the read stops and asks for ``--tz``. Not a ``ValueError``:
    it is about the whole input, and a reader's per-line ``except ValueError`` must not
    count it as one bad line."""

    def __init__(self, source: str) -> None:
        self.source = source
        super().__init__(
            f"{source}: its times carry no timezone; say which with --tz "
            "(e.g. --tz Asia/Ho_Chi_Minh)"
        )


def open_text(path: Path) -> TextIO:
    """Open ``path`` as UTF-8 text, ``.gz`` and ``.zst`` decompressed, a BOM dropped.

    Bytes that are not UTF-8 become U+FFFD (the line then fails its own checks and is
    counted, instead of stopping the file). Newlines are kept as written (``csv`` needs
    that); raises ``OSError`` when the file cannot be opened.
    """
    return io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", errors="replace", newline="")


def _open_binary(path: Path) -> IO[bytes]:
    # The caller owns the stream (the text wrapper closes it): no context manager here.
    suffix = path.suffix.lower()
    if suffix == ".gz":
        return cast(IO[bytes], gzip.open(path, "rb"))
    if suffix == ".zst":
        return cast(IO[bytes], zstandard.open(path, "rb"))
    return path.open("rb")


def csv_rows(stream: TextIO) -> Iterator[tuple[int, list[str] | None]]:
    """Yield (line number, cells) for each CSV row of ``stream``; cells are None for a row
    the csv module cannot read (a NUL byte, an unclosed quote at the end of the file)."""
    reader = csv.reader(stream)
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield reader.line_num, None
            continue
        yield reader.line_num, cells


def format_name(path: Path) -> str:
    """Return the lower-case extension of ``path`` under any ``.gz``/``.zst`` (``.csv``)."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    while suffixes and suffixes[-1] in _COMPRESSED:
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def canonical_ip(raw: str) -> str:
    """Return the address in ``raw`` as the matching tables write it (``schema``): core's
    canonical text, an IPv4-mapped IPv6 address as its IPv4 address.

    Raises ``cleannet.core.errors.InvalidIndicator`` (a ``ValueError``) naming the reason.
    """
    if _CANONICAL_IPV4.fullmatch(raw):
        return raw
    return _normalised_ip(raw)


@functools.lru_cache(maxsize=1 << 14)
def _normalised_ip(raw: str) -> str:
    text = normalise_ip(raw)
    if text.startswith("::ffff:") and "." in text:
        mapped = ipv4_mapped(text)
        if mapped is not None:
            return mapped
    return text


def micros(moment: dt.datetime) -> int:
    """Return the aware ``moment`` as microseconds since the epoch (UTC)."""
    return (moment - _EPOCH) // _MICROS


def seconds_micros(seconds: int) -> int:
    return seconds * 1_000_000


def epoch_micros(text: str) -> int:
    """Return Unix seconds written in ``text`` (``1764496800`` or ``1764496800.25``) as
    microseconds. Raises ``ValueError`` for anything else."""
    text = text.strip()
    if not _EPOCH_TEXT.fullmatch(text):
        raise ValueError(f"{text!r} is not Unix seconds")
    whole, _, fraction = text.partition(".")
    return int(whole) * 1_000_000 + int((fraction + "000000")[:6])


def iso_micros(text: str, *, naive: dt.tzinfo | None, source: str) -> int:
    """Return the ISO 8601 time in ``text`` as microseconds since the epoch.

    A time with an offset (``Z``, ``+07:00``) is converted; a time without one is read in
    ``naive``; with ``naive`` None it raises ``NeedsTimezone`` naming ``source``. Raises
    ``ValueError`` when ``text`` is not ISO 8601.
    """
    moment = dt.datetime.fromisoformat(text.strip())
    if moment.tzinfo is None:
        if naive is None:
            raise NeedsTimezone(source)
        moment = moment.replace(tzinfo=naive)
    return micros(moment)
