"""The distinct values of a dictionary-encoded Parquet column, read from its dictionary pages.

A dictionary-encoded column chunk starts with a dictionary page holding each distinct value
of its row group once; its data pages hold only indices into it. DNS logs repeat the same
names over and over (50M records of one day hold about 2M names), so the dictionary pages
are a small part of the column, and reading them alone gives the names without decoding or
hashing a single record.

No Parquet library reads a dictionary page on its own, so ``DictionaryFile`` copies the
dictionary pages' (still compressed) bytes into a new Parquet file, each as the one PLAIN data
page of a row group with a required column ``value``: a dictionary page is PLAIN-encoded
values, and a required column's data page has no levels before them, so the bytes are the
same. Any Parquet reader then decodes the values at its own speed. Pages are written as they
are read: memory holds one column chunk at a time, however large the logs.

A file qualifies only when every row group's chunk of the column is a dictionary page followed
by dictionary-encoded data pages: a writer whose dictionary grew too large falls back to PLAIN
pages for the rest of the chunk, and those values are not in the dictionary (the file's
metadata does not say so; only the page headers do). The caller reads the files that do not
qualify in full. The page headers and the footer are Thrift compact structs
(``thrift_compact``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow.parquet as pq

from cleannet.engines.matching.thrift_compact import (
    BINARY,
    I32,
    I64,
    LIST,
    STRUCT,
    CompactReader,
    encode_int,
    encode_list,
    encode_string,
    encode_struct,
)

__all__ = ["DictionaryFile"]

_MAGIC = b"PAR1"
_DICTIONARY_PAGE, _DATA_PAGE, _DATA_PAGE_V2 = 2, 0, 3
_PLAIN, _PLAIN_DICTIONARY, _RLE, _RLE_DICTIONARY = 0, 2, 3, 8
_BYTE_ARRAY, _REQUIRED, _UTF8 = 6, 0, 0
# The codecs whose page bytes mean the same in a data page as in a dictionary page ("LZ4" is
# left out: pyarrow names both the framed Hadoop codec and LZ4_RAW so).
_CODECS = {"UNCOMPRESSED": 0, "SNAPPY": 1, "GZIP": 2, "BROTLI": 4, "ZSTD": 6}


@dataclass(frozen=True)
class _Page:
    """One row group's dictionary page: its values' count, sizes and compressed bytes."""

    values: int
    uncompressed_size: int
    payload: bytes
    codec: int


def _int_field(fields: dict[int, object], field: int) -> int:
    value = fields.get(field)
    if not isinstance(value, int) or value < 0:
        raise ValueError(f"Parquet page header field {field} is not a size")
    return value


def _struct_field(fields: dict[int, object], field: int) -> dict[int, object]:
    value = fields.get(field)
    return value if isinstance(value, dict) else {}


def _data_page_encoding(header: dict[int, object]) -> object:
    """Return the values' encoding of a data page (v1 or v2), None for another page type."""
    if header.get(1) == _DATA_PAGE:
        return _struct_field(header, 5).get(2)
    if header.get(1) == _DATA_PAGE_V2:
        return _struct_field(header, 8).get(4)
    return None


def _chunk_page(chunk: bytes, codec: int) -> _Page | None:
    """Return the dictionary page of a column chunk's bytes, or None when a data page is not
    dictionary-encoded (or the chunk has no dictionary page). Raises ``ValueError`` for bytes
    that are not pages."""
    reader, page = CompactReader(chunk), None
    while reader.pos < len(chunk):
        header = reader.read_struct()
        start, size = reader.pos, _int_field(header, 3)
        if start + size > len(chunk):
            raise ValueError("Parquet page runs past its column chunk")
        reader.pos += size
        if header.get(1) == _DICTIONARY_PAGE and page is None:
            dictionary = _struct_field(header, 7)
            if dictionary.get(2, _PLAIN) not in (_PLAIN, _PLAIN_DICTIONARY):
                return None
            values, uncompressed = _int_field(dictionary, 1), _int_field(header, 2)
            page = _Page(values, uncompressed, chunk[start : start + size], codec)
        elif page is None or _data_page_encoding(header) not in (
            _PLAIN_DICTIONARY,
            _RLE_DICTIONARY,
        ):
            return None
    return page


def _is_string(column: pq.ColumnSchema) -> bool:
    logical = str(column.logical_type.type)
    return column.physical_type == "BYTE_ARRAY" and (
        logical == "STRING" or str(column.converted_type) == "UTF8"
    )


def _read_chunk(handle: BinaryIO, start: int, size: int) -> bytes:
    handle.seek(start)
    return handle.read(size)


def _row_group(page: _Page, offset: int, header_size: int) -> bytes:
    """Return the footer's RowGroup for ``page``, written at ``offset`` after its header."""
    metadata = encode_struct(
        (1, I32, encode_int(_BYTE_ARRAY)),
        (2, LIST, encode_list(I32, [encode_int(_PLAIN)])),
        (3, LIST, encode_list(BINARY, [encode_string("value")])),
        (4, I32, encode_int(page.codec)),
        (5, I64, encode_int(page.values)),
        (6, I64, encode_int(header_size + page.uncompressed_size)),
        (7, I64, encode_int(header_size + len(page.payload))),
        (9, I64, encode_int(offset)),
    )
    chunk = encode_struct((2, I64, encode_int(offset)), (3, STRUCT, metadata))
    return encode_struct(
        (1, LIST, encode_list(STRUCT, [chunk])),
        (2, I64, encode_int(header_size + page.uncompressed_size)),
        (3, I64, encode_int(page.values)),
    )


def _page_header(page: _Page) -> bytes:
    data_header = encode_struct(
        (1, I32, encode_int(page.values)),
        (2, I32, encode_int(_PLAIN)),
        (3, I32, encode_int(_RLE)),
        (4, I32, encode_int(_RLE)),
    )
    return encode_struct(
        (1, I32, encode_int(_DATA_PAGE)),
        (2, I32, encode_int(page.uncompressed_size)),
        (3, I32, encode_int(len(page.payload))),
        (5, STRUCT, data_header),
    )


class DictionaryFile:
    """A Parquet file of one required string column ``value`` being written at ``target``:
    ``add`` the files whose dictionary pages it should hold, then ``close`` it."""

    def __init__(self, target: Path) -> None:
        self._out = target.open("wb")
        self._out.write(_MAGIC)
        self._offset = len(_MAGIC)
        self._groups: list[bytes] = []
        self.values = 0

    def _write(self, page: _Page) -> bytes:
        header = _page_header(page)
        self._out.write(header)
        self._out.write(page.payload)
        group = _row_group(page, self._offset, len(header))
        self._offset += len(header) + len(page.payload)
        return group

    def _add_pages(
        self, path: Path, metadata: pq.FileMetaData, index: int
    ) -> list[tuple[bytes, int]] | None:
        """Write the file's pages; return each one's row group and values, or None when the
        file does not qualify."""
        groups = []
        with path.open("rb") as handle:
            for number in range(metadata.num_row_groups):
                chunk = metadata.row_group(number).column(index)
                stats = chunk.statistics
                if (
                    stats is not None
                    and stats.has_null_count
                    and stats.null_count == chunk.num_values
                ):
                    continue  # no value in this row group
                codec = _CODECS.get(chunk.compression)
                start = min(
                    chunk.dictionary_page_offset or chunk.data_page_offset, chunk.data_page_offset
                )
                read = _read_chunk(handle, start, chunk.total_compressed_size)
                page = None if codec is None else _chunk_page(read, codec)
                if page is None:
                    return None
                if page.values:
                    groups.append((self._write(page), page.values))
        return groups

    def add(self, path: Path, column: str) -> bool:
        """Add the dictionary pages of string column ``column`` of the Parquet file ``path``
        (none when it has no such column); return False, adding none, when the file does not
        qualify or cannot be read (the caller's full read then reports what is wrong)."""
        try:
            metadata = pq.ParquetFile(path).metadata
            names = [metadata.schema.column(i).path for i in range(metadata.num_columns)]
            if column not in names:
                return True
            index = names.index(column)
            if not _is_string(metadata.schema.column(index)):
                return False
            groups = self._add_pages(path, metadata, index)
        except (OSError, ValueError):
            return False  # the pages already written stay in the file, unreferenced
        if groups is None:
            return False
        self._groups += [group for group, _ in groups]
        self.values += sum(values for _, values in groups)
        return True

    def close(self) -> int:
        """Write the footer and close the file; return the number of values it holds."""
        root = encode_struct((4, BINARY, encode_string("schema")), (5, I32, encode_int(1)))
        value = encode_struct(
            (1, I32, encode_int(_BYTE_ARRAY)),
            (3, I32, encode_int(_REQUIRED)),
            (4, BINARY, encode_string("value")),
            (6, I32, encode_int(_UTF8)),
        )
        footer = encode_struct(
            (1, I32, encode_int(1)),
            (2, LIST, encode_list(STRUCT, [root, value])),
            (3, I64, encode_int(self.values)),
            (4, LIST, encode_list(STRUCT, self._groups)),
        )
        with self._out:
            self._out.write(footer + struct.pack("<I", len(footer)) + _MAGIC)
        return self.values
