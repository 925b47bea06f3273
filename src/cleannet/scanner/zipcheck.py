"""A zip's structure read without trusting it: central directory, local headers, overlaps.

Only the structure is read here (names, flags, methods, sizes, offsets); ``archives.py``
decompresses. Declared sizes are recorded, never used to allocate. Offsets are made absolute
(data prepended to the zip, as in self-extracting archives, is accounted for).

``overlapping_entries`` finds the non-recursive zip bomb (David Fifield, 2019): entries whose
compressed data share bytes. Up to 2 bytes of overlap are tolerated, as ClamAV does since
PR #561, because some legitimate JARs have them.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cleannet.core.errors import CleanNetError

__all__ = [
    "OVERLAP_TOLERANCE",
    "ZipDirectory",
    "ZipEntry",
    "ZipFormatError",
    "data_span",
    "overlapping_entries",
    "overlapping_zip_entries",
    "read_central_directory",
    "scan_local_headers",
]

OVERLAP_TOLERANCE = 2

_EOCD = struct.Struct("<4s4H2LH")  # end of central directory, 22 bytes
_EOCD64_LOCATOR = struct.Struct("<4sLQL")  # 20 bytes
_EOCD64 = struct.Struct("<4sQ2H2L4Q")  # 56 bytes
_CENTRAL = struct.Struct("<4s6H3L5H2L")  # 46 bytes
_LOCAL = struct.Struct("<4s5H3L2H")  # 30 bytes
_EOCD_SIG = b"PK\x05\x06"
_EOCD64_LOCATOR_SIG = b"PK\x06\x07"
_EOCD64_SIG = b"PK\x06\x06"
_CENTRAL_SIG = b"PK\x01\x02"
LOCAL_SIG = b"PK\x03\x04"
_MAX_COMMENT = 0xFFFF
_ZIP64_EXTRA = 0x0001
_FLAG_ENCRYPTED = 0x0001
_FLAG_DATA_DESCRIPTOR = 0x0008
_FLAG_UTF8 = 0x0800
_METHOD_AES = 99


class ZipFormatError(CleanNetError):
    """The zip's structure cannot be read; the message says where and why."""


@dataclass(frozen=True, slots=True)
class ZipEntry:
    """One member as the zip describes it. ``header_offset`` is absolute in the data."""

    name: str
    flags: int
    method: int
    compressed_size: int
    uncompressed_size: int  # declared: shown in messages, never trusted
    header_offset: int

    @property
    def encrypted(self) -> bool:
        return bool(self.flags & _FLAG_ENCRYPTED) or self.method == _METHOD_AES

    @property
    def is_dir(self) -> bool:
        return self.name.endswith("/")


@dataclass(frozen=True, slots=True)
class ZipDirectory:
    """The central directory: entries read (at most the cap asked for), and any problem."""

    entries: list[ZipEntry]
    declared_count: int
    problem: str | None = None  # set when the directory stopped early (corrupt)


def _decode_name(raw: bytes, flags: int) -> str:
    if flags & _FLAG_UTF8:
        return raw.decode("utf-8", "replace")
    return raw.decode("cp437")


def _zip64_values(extra: bytes, wanted: int) -> list[int]:
    """The first ``wanted`` 8-byte values of the ZIP64 extra field (fewer if it is short)."""
    pos = 0
    while pos + 4 <= len(extra):
        kind, size = struct.unpack_from("<HH", extra, pos)
        body = extra[pos + 4 : pos + 4 + size]
        if kind == _ZIP64_EXTRA:
            count = min(wanted, len(body) // 8)
            return list(struct.unpack_from(f"<{count}Q", body)) if count else []
        pos += 4 + size
    return []


def _apply_zip64(extra: bytes, usize: int, csize: int, offset: int) -> tuple[int, int, int]:
    """Replace the 0xFFFFFFFF fields by their ZIP64 values, in the order the format gives."""
    fields = [usize, csize, offset]
    marked = [i for i, value in enumerate(fields) if value == 0xFFFFFFFF]
    if not marked:
        return usize, csize, offset
    values = _zip64_values(extra, len(marked))
    if len(values) < len(marked):
        raise ZipFormatError("a ZIP64 size or offset is missing from its extra field")
    for index, value in zip(marked, values, strict=False):
        fields[index] = value
    return fields[0], fields[1], fields[2]


def _find_end_record(data: bytes) -> tuple[int, int, int, int]:
    """Return (position of the end record, entries, directory size, directory offset)."""
    floor = max(0, len(data) - _EOCD.size - _MAX_COMMENT)
    pos = data.rfind(_EOCD_SIG, floor)
    if pos < 0 or pos + _EOCD.size > len(data):
        raise ZipFormatError("no end-of-central-directory record (truncated or not a zip)")
    _, _, _, _, entries, cd_size, cd_offset, _ = _EOCD.unpack_from(data, pos)
    if entries != 0xFFFF and cd_size != 0xFFFFFFFF and cd_offset != 0xFFFFFFFF:
        return pos, entries, cd_size, cd_offset
    return _find_zip64_end_record(data, pos)


def _find_zip64_end_record(data: bytes, eocd_pos: int) -> tuple[int, int, int, int]:
    locator = eocd_pos - _EOCD64_LOCATOR.size
    if locator < 0 or data[locator : locator + 4] != _EOCD64_LOCATOR_SIG:
        raise ZipFormatError("ZIP64 sizes are marked but the ZIP64 locator is missing")
    record = locator - _EOCD64.size
    if record < 0 or data[record : record + 4] != _EOCD64_SIG:
        raise ZipFormatError("the ZIP64 end-of-central-directory record is missing")
    fields = _EOCD64.unpack_from(data, record)
    entries, cd_size, cd_offset = fields[7], fields[8], fields[9]
    return record, entries, cd_size, cd_offset


def read_central_directory(data: bytes, max_entries: int) -> ZipDirectory:
    """Read at most ``max_entries`` entries of the central directory.

    Raises ``ZipFormatError`` when there is no usable directory at all (a truncated zip);
    a directory that breaks off later is returned with ``problem`` set.
    """
    end_pos, declared, cd_size, cd_offset = _find_end_record(data)
    prepended = end_pos - cd_size - cd_offset
    if prepended < 0:
        raise ZipFormatError("the central directory lies beyond its end record")
    pos, stop = cd_offset + prepended, end_pos
    entries: list[ZipEntry] = []
    while pos < stop and len(entries) < max_entries:
        if pos + _CENTRAL.size > len(data) or data[pos : pos + 4] != _CENTRAL_SIG:
            return ZipDirectory(entries, declared, f"bad central directory entry at {pos}")
        entry, pos = _central_entry(data, pos, prepended)
        entries.append(entry)
    return ZipDirectory(entries, declared)


def _central_entry(data: bytes, pos: int, prepended: int) -> tuple[ZipEntry, int]:
    fields = _CENTRAL.unpack_from(data, pos)
    flags, method = fields[3], fields[4]
    csize, usize, name_len, extra_len, comment_len = fields[8:13]
    offset = fields[16]
    name_start = pos + _CENTRAL.size
    extra = data[name_start + name_len : name_start + name_len + extra_len]
    usize, csize, offset = _apply_zip64(extra, usize, csize, offset)
    name = _decode_name(data[name_start : name_start + name_len], flags)
    entry = ZipEntry(name, flags, method, csize, usize, offset + prepended)
    return entry, name_start + name_len + extra_len + comment_len


def data_span(data: bytes, entry: ZipEntry) -> tuple[int, int]:
    """Return (start, end) of the entry's compressed data, found through its local header.

    ``end`` may lie beyond the data (a truncated zip); the caller slices and notices.
    Raises ``ZipFormatError`` when the local header is missing.
    """
    pos = entry.header_offset
    if pos + _LOCAL.size > len(data) or data[pos : pos + 4] != LOCAL_SIG:
        raise ZipFormatError(f"no local header at offset {pos}")
    fields = _LOCAL.unpack_from(data, pos)
    start = pos + _LOCAL.size + fields[9] + fields[10]
    return start, start + entry.compressed_size


def overlapping_entries(data: bytes, entries: Sequence[ZipEntry]) -> tuple[str, str] | None:
    """The names of two entries whose local header and data overlap by more than 2 bytes."""
    spans: list[tuple[int, int, str]] = []
    for entry in entries:
        try:
            _, end = data_span(data, entry)
        except ZipFormatError:
            continue  # reported when the member is read
        if end > len(data):
            continue  # cut off, not overlapping: reported when the member is read
        spans.append((entry.header_offset, end, entry.name))
    spans.sort()
    reach, reach_name = -1, ""
    for start, end, name in spans:
        if reach - start > OVERLAP_TOLERANCE:
            return reach_name, name
        if end > reach:
            reach, reach_name = end, name
    return None


def overlapping_zip_entries(data: bytes) -> bool:
    """True when the zip's central directory points at overlapping entries (a zip bomb)."""
    try:
        directory = read_central_directory(data, max_entries=1 << 20)
    except ZipFormatError:
        return False
    return overlapping_entries(data, directory.entries) is not None


def scan_local_headers(data: bytes, max_entries: int) -> list[ZipEntry]:
    """Entries found by walking local headers from the first one: for a zip whose central
    directory is missing (truncated). Stops at the first thing that is not a local header.
    """
    entries: list[ZipEntry] = []
    pos = data.find(LOCAL_SIG)
    while pos >= 0 and pos + _LOCAL.size <= len(data) and len(entries) < max_entries:
        if data[pos : pos + 4] != LOCAL_SIG:
            break
        entry, pos = _local_entry(data, pos)
        entries.append(entry)
    return entries


def _local_entry(data: bytes, pos: int) -> tuple[ZipEntry, int]:
    fields = _LOCAL.unpack_from(data, pos)
    flags, method, csize, usize, name_len, extra_len = (
        fields[2],
        fields[3],
        fields[7],
        fields[8],
        fields[9],
        fields[10],
    )
    name_start = pos + _LOCAL.size
    start = name_start + name_len + extra_len
    name = _decode_name(data[name_start : name_start + name_len], flags)
    extra = data[name_start + name_len : start]
    try:
        usize, csize, _ = _apply_zip64(extra, usize, csize, 0)
    except ZipFormatError:
        csize = len(data) - start
    if flags & _FLAG_DATA_DESCRIPTOR:
        # Sizes follow the data; a deflate stream ends by itself, so read up to the next
        # local header (or the end) and let the decoder stop.
        following = data.find(LOCAL_SIG, start)
        csize = (following if following >= 0 else len(data)) - start
    return ZipEntry(name, flags, method, csize, usize, pos), start + csize
