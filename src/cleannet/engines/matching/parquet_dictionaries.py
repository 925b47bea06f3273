"""The distinct values of a dictionary-encoded Parquet column, read from its dictionary pages.

A dictionary-encoded column chunk starts with a dictionary page holding each distinct value
of its row group once; its data pages hold only indices into it. DNS logs repeat the same
names over and over (50M records of one day hold about 2M names), so the dictionary pages
are a small part of the column, and reading them alone gives the names without decoding or
hashing a single record.

No Parquet library reads a dictionary page on its own, so ``write_dictionary_file`` copies the
dictionary pages' (still compressed) bytes into a new Parquet file, each as the one PLAIN data
page of a row group with a required column ``value``: a dictionary page is PLAIN-encoded
values, and a required column's data page has no levels before them, so the bytes are the
same. Any Parquet reader then decodes the values at its own speed.

A file qualifies only when every row group's chunk of the column is a dictionary page followed
by dictionary-encoded data pages: a writer whose dictionary grew too large falls back to PLAIN
pages for the rest of the chunk, and those values are not in the dictionary. The caller reads
the files that do not qualify in full.

The two Thrift structures involved (the page header, the file footer) are read and written
here in Thrift's compact protocol, as the Parquet format specifies.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow.parquet as pq

__all__ = ["DictionaryPage", "dictionary_pages", "write_dictionary_file"]

_MAGIC = b"PAR1"
_DICTIONARY_PAGE, _DATA_PAGE, _DATA_PAGE_V2 = 2, 0, 3
_DICTIONARY_ENCODINGS = {2, 8}  # PLAIN_DICTIONARY, RLE_DICTIONARY
_PLAIN, _RLE = 0, 3
_BYTE_ARRAY, _REQUIRED, _UTF8 = 6, 0, 0
# The codecs whose page bytes mean the same in a data page as in a dictionary page.
_CODECS = {"UNCOMPRESSED": 0, "SNAPPY": 1, "GZIP": 2, "BROTLI": 4, "ZSTD": 6, "LZ4_RAW": 7}

# Compact protocol field types.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)


class _CompactReader:
    """Reads Thrift compact structures into ``{field id: value}`` (nested ones likewise)."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def _byte(self) -> int:
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        shift = result = 0
        while True:
            byte = self._byte()
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7

    def _zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def _value(self, kind: int) -> object:
        if kind in (_TRUE, _FALSE):  # inside a list, a bool is a byte of its own
            return self._byte() == _TRUE
        if kind == _BYTE:
            return self._byte()
        if kind in (_I16, _I32, _I64):
            return self._zigzag()
        if kind == _DOUBLE:
            self.pos += 8
            return None
        if kind == _BINARY:
            size = self.varint()
            self.pos += size
            return self.data[self.pos - size : self.pos]
        if kind in (_LIST, _SET):
            header = self._byte()
            size = header >> 4 if header >> 4 != 15 else self.varint()
            return [self._value(header & 0x0F) for _ in range(size)]
        if kind == _MAP:
            size = self.varint()
            types = self._byte() if size else 0
            return [(self._value(types >> 4), self._value(types & 0x0F)) for _ in range(size)]
        if kind == _STRUCT:
            return self.struct()
        raise ValueError(f"not a Thrift compact type: {kind}")

    def struct(self) -> dict[int, object]:
        fields: dict[int, object] = {}
        last = 0
        while (header := self._byte()) != 0:
            kind, delta = header & 0x0F, header >> 4
            last = last + delta if delta else self._zigzag()
            fields[last] = kind == _TRUE if kind in (_TRUE, _FALSE) else self._value(kind)
        return fields


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _int(value: int) -> bytes:
    return _varint((value << 1) ^ (value >> 63))


def _struct(*fields: tuple[int, int, bytes]) -> bytes:
    """Encode a struct from ``(field id, type, encoded value)`` in increasing field id order."""
    out, last = bytearray(), 0
    for field, kind, value in fields:
        out += bytes([(field - last) << 4 | kind]) if 0 < field - last <= 15 else bytes([kind])
        out += b"" if 0 < field - last <= 15 else _int(field)
        out += value
        last = field
    return bytes(out + b"\x00")


def _list(kind: int, items: Sequence[bytes]) -> bytes:
    size = len(items)
    header = bytes([size << 4 | kind]) if size < 15 else bytes([0xF0 | kind]) + _varint(size)
    return header + b"".join(items)


def _string(text: str) -> bytes:
    raw = text.encode()
    return _varint(len(raw)) + raw


@dataclass(frozen=True)
class DictionaryPage:
    """One row group's dictionary of the column: its values' count and compressed bytes."""

    values: int
    uncompressed_size: int
    payload: bytes
    codec: int


def _read_chunk(handle: BinaryIO, start: int, size: int) -> bytes:
    handle.seek(start)
    return handle.read(size)


def _int_field(fields: dict[int, object], field: int) -> int:
    value = fields[field]
    if not isinstance(value, int):
        raise TypeError(f"Thrift field {field} is not an integer")
    return value


def _struct_field(fields: dict[int, object], field: int) -> dict[int, object]:
    value = fields.get(field)
    return value if isinstance(value, dict) else {}


def _data_page_encoding(header: dict[int, object]) -> int | None:
    """Return the values' encoding of a data page (v1 or v2), None for another page type."""
    if header[1] == _DATA_PAGE:
        return _struct_field(header, 5).get(2)  # type: ignore[return-value]
    if header[1] == _DATA_PAGE_V2:
        return _struct_field(header, 8).get(4)  # type: ignore[return-value]
    return None


def _chunk_pages(chunk: bytes, codec: int) -> DictionaryPage | None:
    """Return the dictionary page of a column chunk's bytes, or None when a data page is not
    dictionary-encoded (or the chunk has no dictionary page)."""
    reader, page = _CompactReader(chunk), None
    while reader.pos < len(chunk):
        header = reader.struct()
        start, size = reader.pos, _int_field(header, 3)
        reader.pos += size
        if header[1] == _DICTIONARY_PAGE and page is None:
            dictionary = _struct_field(header, 7)
            if dictionary.get(2, _PLAIN) not in (_PLAIN, 2):  # PLAIN or PLAIN_DICTIONARY
                return None
            values, uncompressed = _int_field(dictionary, 1), _int_field(header, 2)
            page = DictionaryPage(values, uncompressed, chunk[start : start + size], codec)
        elif page is None or _data_page_encoding(header) not in _DICTIONARY_ENCODINGS:
            return None
    return page


def dictionary_pages(path: Path, column: str) -> list[DictionaryPage] | None:
    """Return the dictionary pages of ``column`` in ``path``, one per row group that has a
    value in it (none when the file has no such column), or None when some row group's values
    are not all in its dictionary page, or the column is not a plain string column."""
    try:
        metadata = pq.ParquetFile(path).metadata
    except (OSError, ValueError):
        return None  # the caller's full read reports what is wrong with the file
    names = [metadata.schema.column(i).path for i in range(metadata.num_columns)]
    if column not in names:
        return []
    index = names.index(column)
    if not _is_string(metadata.schema.column(index)):
        return None
    try:
        return _row_group_pages(path, metadata, index)
    except (IndexError, KeyError, TypeError, ValueError):
        return None  # a page header this reader does not follow: read the file in full


def _is_string(column: pq.ColumnSchema) -> bool:
    logical = str(column.logical_type.type)
    return column.physical_type == "BYTE_ARRAY" and (
        logical == "STRING" or str(column.converted_type) == "UTF8"
    )


def _row_group_pages(
    path: Path, metadata: pq.FileMetaData, index: int
) -> list[DictionaryPage] | None:
    pages = []
    with path.open("rb") as handle:
        for group in range(metadata.num_row_groups):
            chunk = metadata.row_group(group).column(index)
            stats = chunk.statistics
            if stats is not None and stats.has_null_count and stats.null_count == chunk.num_values:
                continue  # no value in this row group
            codec = _CODECS.get(chunk.compression)
            if codec is None:
                return None
            start = chunk.dictionary_page_offset or chunk.data_page_offset
            start = min(start, chunk.data_page_offset)
            page = _chunk_pages(_read_chunk(handle, start, chunk.total_compressed_size), codec)
            if page is None:
                return None
            if page.values:
                pages.append(page)
    return pages


def _page_header(page: DictionaryPage) -> bytes:
    data_header = _struct(
        (1, _I32, _int(page.values)),
        (2, _I32, _int(_PLAIN)),
        (3, _I32, _int(_RLE)),
        (4, _I32, _int(_RLE)),
    )
    return _struct(
        (1, _I32, _int(_DATA_PAGE)),
        (2, _I32, _int(page.uncompressed_size)),
        (3, _I32, _int(len(page.payload))),
        (5, _STRUCT, data_header),
    )


def _row_group(page: DictionaryPage, offset: int, header_size: int) -> bytes:
    metadata = _struct(
        (1, _I32, _int(_BYTE_ARRAY)),
        (2, _LIST, _list(_I32, [_int(_PLAIN)])),
        (3, _LIST, _list(_BINARY, [_string("value")])),
        (4, _I32, _int(page.codec)),
        (5, _I64, _int(page.values)),
        (6, _I64, _int(header_size + page.uncompressed_size)),
        (7, _I64, _int(header_size + len(page.payload))),
        (9, _I64, _int(offset)),
    )
    chunk = _struct((2, _I64, _int(offset)), (3, _STRUCT, metadata))
    return _struct(
        (1, _LIST, _list(_STRUCT, [chunk])),
        (2, _I64, _int(header_size + page.uncompressed_size)),
        (3, _I64, _int(page.values)),
    )


def write_dictionary_file(pages: Sequence[DictionaryPage], target: Path) -> int:
    """Write ``pages`` to ``target`` as a Parquet file of one required string column
    ``value``, a row group per page; return the number of values."""
    groups, offset = [], len(_MAGIC)
    with target.open("wb") as out:
        out.write(_MAGIC)
        for page in pages:
            header = _page_header(page)
            out.write(header)
            out.write(page.payload)
            groups.append(_row_group(page, offset, len(header)))
            offset += len(header) + len(page.payload)
        root = _struct((4, _BINARY, _string("schema")), (5, _I32, _int(1)))
        value = _struct(
            (1, _I32, _int(_BYTE_ARRAY)),
            (3, _I32, _int(_REQUIRED)),
            (4, _BINARY, _string("value")),
            (6, _I32, _int(_UTF8)),
        )
        total = sum(page.values for page in pages)
        footer = _struct(
            (1, _I32, _int(1)),
            (2, _LIST, _list(_STRUCT, [root, value])),
            (3, _I64, _int(total)),
            (4, _LIST, _list(_STRUCT, groups)),
        )
        out.write(footer + struct.pack("<I", len(footer)) + _MAGIC)
    return total
