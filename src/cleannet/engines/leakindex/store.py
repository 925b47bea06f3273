"""The range store: hashes and counts in one sorted, memory-mapped file, read a range at a time.

File layout (all integers little-endian; version 1)::

    offset 0     header, 64 bytes
                   magic        8 bytes   b"CNLEAKIX"
                   version      uint16    1
                   hash width   uint8     bytes per hash (20 SHA-1, 16 NTLM)
                   prefix bits  uint8     20 (a prefix is the first 5 hex digits of a hash)
                   record size  uint16    hash width + 4
                   (2 bytes zero)
                   records      uint64    number of records
                   kind         24 bytes  ASCII, NUL-padded ("password_sha1", "email", …)
                   (16 bytes zero)
    offset 64    prefix table, 2**20 + 1 uint64: entry p is the index of the first record
                 whose hash starts with prefix p (or a later one); the last entry is the number
                 of records. The records of prefix p are ``table[p]:table[p + 1]``.
    offset 64 + 8 * (2**20 + 1)
                 records, sorted by hash bytes, unique: ``hash`` then ``count`` (uint32,
                 the times the hash was seen, saturating at 2**32 - 1).

A range is therefore one slice; nothing is read but the pages it covers. A billion SHA-1
hashes take 24 GB of disk and 8 MiB of table; ``store_build`` writes the file out of core.
"""

from __future__ import annotations

import contextlib
import mmap
import re
import struct
from pathlib import Path
from types import TracebackType
from typing import Self

import numpy as np
import numpy.typing as npt

from cleannet.core.errors import CleanNetError, InvalidValue
from cleannet.engines.leakindex.identifiers import HASH_BYTES, Kind

__all__ = [
    "HEADER",
    "MAGIC",
    "MAX_COUNT",
    "PREFIXES",
    "RECORDS_OFFSET",
    "RangeStore",
    "StoreFormatError",
    "record_dtype",
]

MAGIC = b"CNLEAKIX"
VERSION = 1
PREFIX_BITS = 20
PREFIXES = 1 << PREFIX_BITS
HEADER = struct.Struct("<8sHBBH2xQ24s16x")
TABLE_OFFSET = HEADER.size
RECORDS_OFFSET = TABLE_OFFSET + 8 * (PREFIXES + 1)
MAX_COUNT = 2**32 - 1
_PREFIX = re.compile(r"[0-9A-Fa-f]{5,6}")


class StoreFormatError(CleanNetError):
    """A file that is not a range store of this version, or is cut short."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def record_dtype(hash_bytes: int) -> np.dtype[np.void]:
    """Return the packed record type: ``hash`` (``hash_bytes`` uint8) then ``count`` (uint32)."""
    return np.dtype([("hash", np.uint8, (hash_bytes,)), ("count", "<u4")])


def _read_header(path: Path, data: mmap.mmap | bytes) -> tuple[Kind, int, int]:
    if len(data) < RECORDS_OFFSET:
        raise StoreFormatError(path, "is shorter than a store's header and prefix table")
    magic, version, width, bits, size, count, kind_raw = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise StoreFormatError(path, "is not a leak range store (wrong magic bytes)")
    if version != VERSION or bits != PREFIX_BITS:
        raise StoreFormatError(path, f"is version {version} ({bits} prefix bits), not {VERSION}")
    try:
        kind = Kind(kind_raw.rstrip(b"\0").decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise StoreFormatError(path, "names an unknown kind") from None
    if width != HASH_BYTES[kind] or size != width + 4:
        raise StoreFormatError(path, f"has {width}-byte hashes, a {kind} store has another width")
    if len(data) < RECORDS_OFFSET + count * size:
        raise StoreFormatError(path, f"is cut short: {count} records announced")
    return kind, width, count


def parse_prefix(prefix_hex: str) -> tuple[int, int | None]:
    """Return ``(first 5 hex as an int, the 6th hex digit or None)``.

    Raises ``InvalidValue`` unless ``prefix_hex`` is 5 or 6 hex digits (any case).
    """
    if not _PREFIX.fullmatch(prefix_hex):
        raise InvalidValue("prefix", prefix_hex, "must be 5 or 6 hexadecimal digits")
    sixth = int(prefix_hex[5], 16) if len(prefix_hex) == 6 else None
    return int(prefix_hex[:5], 16), sixth


class RangeStore:
    """A store file opened read-only and memory-mapped; see the module docstring for its layout.

    Use ``RangeStore.open(path)``, ideally as a context manager; ``close()`` unmaps the file.
    """

    def __init__(self, path: Path, kind: Kind, data: mmap.mmap, count: int) -> None:
        self.path = path
        self.kind = kind
        self.hash_bytes = HASH_BYTES[kind]
        self._data: mmap.mmap | None = data
        self.table: npt.NDArray[np.uint64] = np.frombuffer(
            data, dtype="<u8", count=PREFIXES + 1, offset=TABLE_OFFSET
        )
        self.records: npt.NDArray[np.void] = np.frombuffer(
            data, dtype=record_dtype(self.hash_bytes), count=count, offset=RECORDS_OFFSET
        )

    @classmethod
    def open(cls, path: Path) -> Self:
        """Open the store at ``path``.

        Raises ``StoreFormatError`` for a file that is not a store (or is cut short) and
        ``OSError`` for one that cannot be read.
        """
        path = Path(path)
        with path.open("rb") as file:
            try:
                data = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
            except ValueError:  # an empty file cannot be mapped
                raise StoreFormatError(path, "is empty") from None
        try:
            kind, _width, count = _read_header(path, data)
        except StoreFormatError:
            data.close()
            raise
        return cls(path, kind, data, count)

    def __len__(self) -> int:
        return len(self.records)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Unmap the file; arrays taken from the store must not be used afterwards."""
        data, self._data = self._data, None
        self.table = np.zeros(PREFIXES + 1, dtype="<u8")
        self.records = np.empty(0, dtype=record_dtype(self.hash_bytes))
        if data is not None:
            # A caller may still hold a slice; the map then goes when that is collected.
            with contextlib.suppress(BufferError):
                data.close()

    def span(self, first: int, end: int) -> tuple[int, int]:
        """Return the record indexes ``(start, stop)`` of prefixes ``first`` to ``end - 1``."""
        return int(self.table[first]), int(self.table[end])

    def range_records(self, prefix_hex: str) -> npt.NDArray[np.void]:
        """Return the records (a read-only view) whose hash starts with ``prefix_hex``.

        Raises ``InvalidValue`` unless ``prefix_hex`` is 5 or 6 hex digits.
        """
        prefix, sixth = parse_prefix(prefix_hex)
        start, stop = self.span(prefix, prefix + 1)
        records = self.records[start:stop]
        if sixth is None or not len(records):
            return records
        # Within one 5-hex prefix the records are sorted by the 6th digit, the low nibble of
        # byte 2, so its records are one contiguous run.
        nibbles = records["hash"][:, 2] & 0x0F
        low, high = np.searchsorted(nibbles, [sixth, sixth + 1])
        return records[low:high]

    def range(self, prefix_hex: str) -> list[tuple[str, int]]:
        """Return ``(suffix, count)`` for every hash starting with ``prefix_hex``, in hash order.

        Suffixes are the hash's upper-case hex after the prefix's 5 or 6 digits. Every prefix
        answers, an absent one with ``[]``. Raises ``InvalidValue`` for a malformed prefix.
        """
        records = self.range_records(prefix_hex)
        if not len(records):
            return []
        text = records["hash"].tobytes().hex().upper()
        step, skip = 2 * self.hash_bytes, len(prefix_hex)
        suffixes = [text[i + skip : i + step] for i in range(0, len(text), step)]
        return list(zip(suffixes, records["count"].tolist(), strict=True))

    def count(self, digest: bytes) -> int:
        """Return how many times ``digest`` was seen (0 when absent).

        Raises ``InvalidValue`` when ``digest`` is not ``hash_bytes`` long.
        """
        if len(digest) != self.hash_bytes:
            raise InvalidValue(
                "hash", len(digest), f"a {self.kind} hash is {self.hash_bytes} bytes"
            )
        records = self.range_records(digest[:3].hex()[:5])
        wanted = np.frombuffer(digest, dtype=np.uint8)
        found = np.flatnonzero((records["hash"] == wanted).all(axis=1))
        return int(records["count"][found[0]]) if len(found) else 0
