"""Thrift's compact protocol, as much as Parquet's page headers and footer need.

``read_struct`` reads any struct into ``{field id: value}`` (nested structs likewise, lists as
lists), so a reader can pick the fields it knows and skip the rest. Input is untrusted: every
length is checked against the bytes left and nesting is bounded, so a malformed header raises
``ValueError`` instead of looping or recursing without end. ``struct``, ``i32_list`` and the
value encoders write structs field by field.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "BINARY",
    "I32",
    "I64",
    "LIST",
    "STRUCT",
    "CompactReader",
    "encode_int",
    "encode_list",
    "encode_string",
    "encode_struct",
]

TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(1, 13)
_MAX_DEPTH = 16


class CompactReader:
    """Reads compact-protocol structs from ``data``, from ``pos`` on."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def _byte(self) -> int:
        if self.pos >= len(self.data):
            raise ValueError("Thrift data ends inside a value")
        value = self.data[self.pos]
        self.pos += 1
        return value

    def _skip(self, size: int) -> None:
        if size < 0 or self.pos + size > len(self.data):
            raise ValueError("Thrift length runs past the data")
        self.pos += size

    def varint(self) -> int:
        shift = result = 0
        while True:
            byte = self._byte()
            result |= (byte & 0x7F) << shift
            if byte < 0x80:
                return result
            shift += 7
            if shift > 63:
                raise ValueError("Thrift varint longer than 64 bits")

    def _zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def _count(self, size: int) -> int:
        if size > len(self.data) - self.pos:  # every element takes a byte at least
            raise ValueError("Thrift collection larger than the data")
        return size

    def _value(self, kind: int, depth: int) -> object:
        if kind in (TRUE, FALSE):  # inside a collection, a bool is a byte of its own
            return self._byte() == TRUE
        if kind == BYTE:
            return self._byte()
        if kind in (I16, I32, I64):
            return self._zigzag()
        if kind == DOUBLE:
            self._skip(8)
            return None
        if kind == BINARY:
            size = self.varint()
            self._skip(size)
            return self.data[self.pos - size : self.pos]
        if kind in (LIST, SET):
            header = self._byte()
            size = self._count(header >> 4 if header >> 4 != 15 else self.varint())
            return [self._value(header & 0x0F, depth + 1) for _ in range(size)]
        if kind == MAP:
            size = self._count(self.varint())
            types = self._byte() if size else 0
            return [
                (self._value(types >> 4, depth + 1), self._value(types & 0x0F, depth + 1))
                for _ in range(size)
            ]
        if kind == STRUCT:
            return self.read_struct(depth + 1)
        raise ValueError(f"not a Thrift compact type: {kind}")

    def read_struct(self, depth: int = 0) -> dict[int, object]:
        """Read one struct; raise ``ValueError`` for data that is not one."""
        if depth > _MAX_DEPTH:
            raise ValueError("Thrift structs nested too deep")
        fields: dict[int, object] = {}
        last = 0
        while (header := self._byte()) != 0:
            kind, delta = header & 0x0F, header >> 4
            last = last + delta if delta else self._zigzag()
            fields[last] = kind == TRUE if kind in (TRUE, FALSE) else self._value(kind, depth)
        return fields


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def encode_int(value: int) -> bytes:
    """An i16, i32 or i64 value."""
    return _varint((value << 1) ^ (value >> 63))


def encode_string(text: str) -> bytes:
    raw = text.encode()
    return _varint(len(raw)) + raw


def encode_list(kind: int, items: Sequence[bytes]) -> bytes:
    """A list of ``kind`` from its encoded items."""
    size = len(items)
    header = bytes([size << 4 | kind]) if size < 15 else bytes([0xF0 | kind]) + _varint(size)
    return header + b"".join(items)


def encode_struct(*fields: tuple[int, int, bytes]) -> bytes:
    """A struct from ``(field id, type, encoded value)`` in increasing field id order."""
    out, last = bytearray(), 0
    for field, kind, value in fields:
        if 0 < field - last <= 15:
            out.append((field - last) << 4 | kind)
        else:
            out += bytes([kind]) + encode_int(field)
        out += value
        last = field
    return bytes(out + b"\x00")
