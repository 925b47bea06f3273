"""MongoDB: ``isMaster``, ``buildInfo`` and ``listDatabases``, without credentials.

``isMaster`` (legacy OP_QUERY, which every server version still answers) gives the wire
version; the next two commands go as OP_MSG to servers of 3.6 and later (wire 6+), OP_QUERY to
older ones. ``listDatabases`` succeeding means anyone can read the data: ``open-mongodb``
(critical). ``Unauthorized`` (code 13) means access control is on: ``mongodb`` (info). BSON is
encoded and decoded here, just the types these replies use; anything else is an
``unexpected-response``.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Mapping

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_exactly,
)

__all__ = ["MongoProbe", "decode_document", "encode_document", "op_msg", "op_query"]

BsonValue = object
REPLY_CAP = 256 * 1024
OP_REPLY, OP_QUERY, OP_MSG = 1, 2004, 2013
_FIXED = {0x01: 8, 0x07: 12, 0x09: 8, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16}


def encode_document(document: Mapping[str, str | int | bool]) -> bytes:
    """BSON for a flat document of strings, 32-bit integers and booleans."""
    out = b""
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            out += b"\x08" + name + (b"\x01" if value else b"\x00")
        elif isinstance(value, int):
            out += b"\x10" + name + struct.pack("<i", value)
        else:
            raw = value.encode() + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(raw)) + raw
    return struct.pack("<i", len(out) + 5) + out + b"\x00"


def _value(kind: int, data: bytes, at: int) -> tuple[BsonValue, int]:
    if kind in (0x02, 0x0D, 0x0E):  # string, JavaScript, symbol
        size = struct.unpack_from("<i", data, at)[0]
        return data[at + 4 : at + 3 + size].decode("utf-8", "replace"), at + 4 + size
    if kind in (0x03, 0x04):
        size = struct.unpack_from("<i", data, at)[0]
        inner = decode_document(data[at : at + size])
        return (inner if kind == 0x03 else list(inner.values())), at + size
    if kind == 0x05:
        size = struct.unpack_from("<i", data, at)[0]
        return data[at + 5 : at + 5 + size], at + 5 + size
    if kind == 0x08:
        return data[at] == 1, at + 1
    if kind in (0x0A, 0x7F, 0xFF):  # null, max key, min key
        return None, at
    if kind == 0x01:
        return struct.unpack_from("<d", data, at)[0], at + 8
    if kind == 0x10:
        return struct.unpack_from("<i", data, at)[0], at + 4
    if kind == 0x12:
        return struct.unpack_from("<q", data, at)[0], at + 8
    if kind in _FIXED:
        return data[at : at + _FIXED[kind]], at + _FIXED[kind]
    raise ValueError(f"unsupported BSON type {kind:#x}")


def decode_document(data: bytes) -> dict[str, BsonValue]:
    """Decode one BSON document; raise ``ValueError`` on anything malformed or unsupported."""
    try:
        size = struct.unpack_from("<i", data)[0]
        if size < 5 or size > len(data) or data[size - 1] != 0:
            raise ValueError("bad BSON document length")
        document: dict[str, BsonValue] = {}
        at = 4
        while at < size - 1:
            kind, end = data[at], data.index(b"\x00", at + 1, size)
            key = data[at + 1 : end].decode("utf-8", "replace")
            document[key], at = _value(kind, data, end + 1)
        if at != size - 1:
            raise ValueError("BSON element overruns its document")
        return document
    except (struct.error, IndexError) as error:
        raise ValueError(f"malformed BSON: {error}") from None


def _message(op_code: int, request_id: int, body: bytes) -> bytes:
    return struct.pack("<iiii", 16 + len(body), request_id, 0, op_code) + body


def op_query(command: Mapping[str, str | int | bool], request_id: int = 1) -> bytes:
    """A legacy OP_QUERY of ``command`` on ``admin.$cmd``."""
    body = struct.pack("<i", 0) + b"admin.$cmd\x00" + struct.pack("<ii", 0, -1)
    return _message(OP_QUERY, request_id, body + encode_document(command))


def op_msg(command: Mapping[str, str | int | bool], request_id: int = 1) -> bytes:
    """An OP_MSG carrying ``command`` (with ``$db: admin``) as its body section."""
    document = encode_document({**command, "$db": "admin"})
    return _message(OP_MSG, request_id, struct.pack("<I", 0) + b"\x00" + document)


def parse_reply(data: bytes) -> dict[str, BsonValue]:
    """The first document of an OP_REPLY or OP_MSG reply; raise ``ValueError`` otherwise."""
    if len(data) < 16:
        raise ValueError("short MongoDB message")
    op_code = struct.unpack_from("<i", data, 12)[0]
    if op_code == OP_REPLY:
        return decode_document(data[36:])
    if op_code == OP_MSG and data[20:21] == b"\x00":
        return decode_document(data[21:])
    raise ValueError(f"unexpected op code {op_code}")


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, message: bytes, timeout: float
) -> bytes:
    writer.write(message)
    await writer.drain()
    head = await read_exactly(reader, 16, timeout)
    size = struct.unpack_from("<i", head)[0] if len(head) == 16 else 0
    if not 16 < size <= REPLY_CAP:
        return head
    return head + await read_exactly(reader, size - 16, timeout)


class MongoProbe:
    """Reports ``open-mongodb``, ``mongodb`` or ``unexpected-response``."""

    name = "mongodb"
    report_type = "scan_mongodb"
    default_ports: tuple[int, ...] = (27017,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the server answered, none when it stayed silent."""
        replies: list[bytes] = []
        try:
            async with open_connection(target, timeout) as conn:
                replies.append(
                    await _exchange(conn.reader, conn.writer, op_query({"isMaster": 1}), timeout)
                )
                hello = parse_reply(replies[0])
                wire = hello.get("maxWireVersion", 0)
                encode = op_msg if isinstance(wire, int) and wire >= 6 else op_query
                for number, command in enumerate(
                    ({"buildInfo": 1}, {"listDatabases": 1, "nameOnly": True}), 2
                ):
                    replies.append(
                        await _exchange(conn.reader, conn.writer, encode(command, number), timeout)
                    )
                build, listing = parse_reply(replies[1]), parse_reply(replies[2])
        except (OSError, TimeoutError):
            return []
        except ValueError:
            data = b"".join(replies)
            return (
                [finding(self, target, tag="unexpected-response", banner=banner_text(data))]
                if data
                else []
            )
        return [self._finding(target, hello, build, listing)]

    def _finding(
        self,
        target: Target,
        hello: Mapping[str, BsonValue],
        build: Mapping[str, BsonValue],
        listing: Mapping[str, BsonValue],
    ) -> Finding:
        version = build.get("version") if build.get("ok") == 1 else ""
        details: dict[str, str | int | bool] = {
            "max_wire_version": _int(hello.get("maxWireVersion"))
        }
        databases = listing.get("databases")
        if listing.get("ok") == 1 and isinstance(databases, list):
            names = [str(d.get("name", "")) for d in databases if isinstance(d, dict)]
            details |= {
                "authentication": False,
                "databases": len(names),
                "database_names": ",".join(names[:20])[:512],
            }
            return finding(
                self,
                target,
                tag="open-mongodb",
                severity="critical",
                product="MongoDB",
                version=str(version or ""),
                details=details,
            )
        details |= {"authentication": True, "error_code": _int(listing.get("code"))}
        return finding(
            self,
            target,
            tag="mongodb",
            product="MongoDB",
            version=str(version or ""),
            details=details,
        )


def _int(value: BsonValue) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0
