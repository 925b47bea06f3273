"""The Elasticsearch, MongoDB, memcached and DNS probes against tiny loopback fakes."""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import cast

import dns.flags
import dns.message
import dns.rcode
import dns.rrset

from cleannet.engines.exposure import PROBES, Finding, Target
from cleannet.engines.exposure.probes.dns import DnsProbe
from cleannet.engines.exposure.probes.mongodb import decode_document, encode_document

from .servers import Handler, greeter, serve

Document = dict[str, object]


def probe_fake(name: str, handler: Handler) -> list[Finding]:
    async def go() -> list[Finding]:
        async with serve(handler) as (port, _):
            return await PROBES[name].probe(Target("127.0.0.1", port), 2.0)

    return asyncio.run(go())


# --- Elasticsearch ---------------------------------------------------------------------------


def http_server(status: str, headers: str, body: bytes) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        head = f"HTTP/1.1 {status}\r\n{headers}Content-Length: {len(body)}\r\n\r\n"
        writer.write(head.encode() + body)
        await writer.drain()

    return handle


ES_ROOT = {
    "name": "node-1",
    "cluster_name": "customers",
    "version": {"number": "7.17.9", "lucene_version": "8.11.1"},
    "tagline": "You Know, for Search",
}


def test_it_reports_an_elasticsearch_open_to_anyone() -> None:
    body = json.dumps(ES_ROOT).encode()
    [found] = probe_fake("elasticsearch", http_server("200 OK", "", body))
    assert (found.tag, found.severity, found.product, found.version) == (
        "open-elasticsearch",
        "high",
        "Elasticsearch",
        "7.17.9",
    )
    assert found.details["cluster_name"] == "customers"


def test_it_calls_an_elasticsearch_with_security_protected() -> None:
    challenge = 'WWW-Authenticate: Basic realm="security" charset="UTF-8"\r\n'
    [found] = probe_fake("elasticsearch", http_server("401 Unauthorized", challenge, b"{}"))
    assert (found.tag, found.details["authentication"]) == ("elasticsearch", True)


def test_it_ignores_a_web_server_that_is_not_elasticsearch() -> None:
    assert probe_fake("elasticsearch", http_server("200 OK", "", b"<html>hi</html>")) == []


# --- MongoDB ---------------------------------------------------------------------------------


def bson(document: Document) -> bytes:
    """A fuller encoder than the probe's: doubles, nested documents and arrays."""
    out = b""
    for key, value in document.items():
        name = key.encode() + b"\x00"
        if isinstance(value, bool):
            out += b"\x08" + name + bytes([value])
        elif isinstance(value, int):
            out += b"\x10" + name + struct.pack("<i", value)
        elif isinstance(value, float):
            out += b"\x01" + name + struct.pack("<d", value)
        elif isinstance(value, str):
            raw = value.encode() + b"\x00"
            out += b"\x02" + name + struct.pack("<i", len(raw)) + raw
        elif isinstance(value, list):
            out += b"\x04" + name + bson({str(i): v for i, v in enumerate(value)})
        else:
            assert isinstance(value, dict)
            out += b"\x03" + name + bson(value)
    return struct.pack("<i", len(out) + 5) + out + b"\x00"


def mongo_server(answer: Callable[[str], Document]) -> Handler:
    """Answers isMaster (OP_QUERY -> OP_REPLY) and OP_MSG commands with ``answer(command)``."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readexactly(16)
            size, request_id, _, op_code = struct.unpack("<iiii", head)
            body = await reader.readexactly(size - 16)
            if op_code == 2004:
                at = body.index(b"\x00", 4) + 9
                document = bson(answer(next(iter(decode_document(body[at:])))))
                reply = struct.pack("<iqii", 0, 0, 0, 1) + document
                writer.write(struct.pack("<iiii", 16 + len(reply), 9, request_id, 1) + reply)
            else:
                document = bson(answer(next(iter(decode_document(body[5:])))))
                reply = struct.pack("<I", 0) + b"\x00" + document
                writer.write(struct.pack("<iiii", 16 + len(reply), 9, request_id, 2013) + reply)
            await writer.drain()

    return handle


def mongo_answers(open_to_all: bool) -> Callable[[str], Document]:
    def answer(command: str) -> Document:
        if command == "isMaster":
            return {"ismaster": True, "maxWireVersion": 17, "ok": 1.0}
        if command == "buildInfo":
            return {"version": "6.0.14", "versionArray": [6, 0, 14, 0], "ok": 1.0}
        if open_to_all:
            databases = [{"name": "admin"}, {"name": "shop"}]
            return {"databases": databases, "totalSize": 1.0, "ok": 1.0}
        return {"ok": 0.0, "errmsg": "requires authentication", "code": 13}

    return answer


def test_it_encodes_and_decodes_bson_round_trip() -> None:
    raw = encode_document({"listDatabases": 1, "nameOnly": True, "$db": "admin"})
    assert decode_document(raw) == {"listDatabases": 1, "nameOnly": True, "$db": "admin"}


def test_it_reports_a_mongodb_listing_its_databases_to_anyone() -> None:
    [found] = probe_fake("mongodb", mongo_server(mongo_answers(open_to_all=True)))
    assert (found.tag, found.severity, found.version) == ("open-mongodb", "critical", "6.0.14")
    assert found.details["database_names"] == "admin,shop"


def test_it_calls_a_mongodb_with_access_control_protected() -> None:
    [found] = probe_fake("mongodb", mongo_server(mongo_answers(open_to_all=False)))
    assert (found.tag, found.details["error_code"]) == ("mongodb", 13)


def test_it_calls_garbage_on_the_mongodb_port_unexpected() -> None:
    garbage = struct.pack("<iiii", 24, 1, 1, 1) + b"\xff" * 8
    [found] = probe_fake("mongodb", greeter(garbage))
    assert found.tag == "unexpected-response"


# --- memcached -------------------------------------------------------------------------------


async def memcached_tcp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    while line := await reader.readline():
        if line == b"version\r\n":
            writer.write(b"VERSION 1.4.25\r\n")
        elif line == b"stats\r\n":
            writer.write(b"STAT pid 7\r\nSTAT uptime 3600\r\nSTAT curr_items 42\r\nEND\r\n")
        await writer.drain()


class MemcachedUdp(asyncio.DatagramProtocol):
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if data[8:] == b"version\r\n":
            self.transport.sendto(data[:2] + b"\x00\x00\x00\x01\x00\x00VERSION 1.4.25\r\n", addr)


@asynccontextmanager
async def memcached(with_udp: bool) -> AsyncIterator[int]:
    async with serve(memcached_tcp) as (port, _):
        if not with_udp:
            yield port
            return
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            MemcachedUdp, local_addr=("127.0.0.1", port)
        )
        try:
            yield port
        finally:
            transport.close()


def probe_memcached(with_udp: bool) -> list[Finding]:
    async def go() -> list[Finding]:
        async with memcached(with_udp) as port:
            return await PROBES["memcached"].probe(Target("127.0.0.1", port), 2.0)

    return asyncio.run(go())


def test_it_reports_an_open_memcached_and_its_udp_amplifier() -> None:
    tcp, udp = probe_memcached(with_udp=True)
    assert (tcp.tag, tcp.severity, tcp.version, tcp.transport) == (
        "open-memcached",
        "high",
        "1.4.25",
        "tcp",
    )
    assert tcp.details["curr_items"] == "42"
    assert tcp.details["udp_default_on"] is True
    assert (udp.tag, udp.transport, udp.details["amplification"]) == ("memcached-udp", "udp", True)


def test_it_reports_no_udp_finding_when_udp_is_off() -> None:
    assert [f.tag for f in probe_memcached(with_udp=False)] == ["open-memcached"]


# --- DNS -------------------------------------------------------------------------------------


class FakeDns(asyncio.DatagramProtocol):
    def __init__(self, reply: Callable[[dns.message.Message], bytes]) -> None:
        self.reply = reply

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        if answer := self.reply(dns.message.from_wire(data)):
            self.transport.sendto(answer, addr)


def resolving(query: dns.message.Message) -> bytes:
    response = dns.message.make_response(query)
    response.flags |= dns.flags.RA
    name = query.question[0].name
    response.answer.append(dns.rrset.from_text(name, 60, "IN", "A", "192.0.2.1"))
    return response.to_wire()


def refusing(query: dns.message.Message) -> bytes:
    response = dns.message.make_response(query)
    response.set_rcode(dns.rcode.REFUSED)
    return response.to_wire()


def probe_dns(
    reply: Callable[[dns.message.Message], bytes], probe: DnsProbe, timeout: float = 2.0
) -> list[Finding]:
    async def go() -> list[Finding]:
        transport, _ = await asyncio.get_running_loop().create_datagram_endpoint(
            lambda: FakeDns(reply), local_addr=("127.0.0.1", 0)
        )
        port = transport.get_extra_info("sockname")[1]
        try:
            return await probe.probe(Target("127.0.0.1", port), timeout)
        finally:
            transport.close()

    return asyncio.run(go())


def test_it_reports_an_open_resolver_answering_for_the_operator_zone() -> None:
    probe = DnsProbe("check.cleannet.test", per_target_label=True)
    [found] = probe_dns(resolving, probe)
    assert (found.report_type, found.tag, found.severity, found.transport) == (
        "scan_dns",
        "open-resolver",
        "high",
        "udp",
    )
    assert found.details["query"] == "127-0-0-1.check.cleannet.test"


def test_it_does_not_call_a_refusing_server_an_open_resolver() -> None:
    [found] = probe_dns(refusing, DnsProbe("check.cleannet.test"))
    assert (found.tag, found.details["rcode"], found.details["recursion_available"]) == (
        "dns",
        "REFUSED",
        False,
    )


def test_it_calls_a_reply_that_is_not_dns_unexpected() -> None:
    [found] = probe_dns(lambda query: b"\x00garbage", DnsProbe("check.cleannet.test"))
    assert found.tag == "unexpected-response"


def test_it_reports_nothing_when_no_dns_server_answers() -> None:
    assert probe_dns(lambda query: b"", DnsProbe("check.cleannet.test"), timeout=0.2) == []
