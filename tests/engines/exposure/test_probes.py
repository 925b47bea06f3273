"""Each probe against a loopback server that speaks (a little of) its protocol."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TypeVar

from cleannet.engines.exposure import PROBES, Finding, Target, probes_for_port
from cleannet.engines.exposure.probes.rdp import CONNECTION_REQUEST, parse_connection_confirm
from cleannet.engines.exposure.probes.ssh import parse_ssh_banner
from cleannet.engines.exposure.probes.telnet import strip_telnet_commands

from .certs import self_signed, server_context
from .servers import Handler, greeter, serve

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


async def probe_with(name: str, handler: Handler, ssl_context: object = None) -> list[Finding]:
    async with serve(handler, ssl_context) as (port, _):
        return await PROBES[name].probe(Target("127.0.0.1", port, "svc.test"), 2.0)


def tags(findings: list[Finding]) -> list[str]:
    return [f.tag for f in findings]


def test_it_parses_the_ssh_product_and_version() -> None:
    assert parse_ssh_banner(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n") == (
        "2.0",
        "OpenSSH",
        "9.2p1",
        "Debian-2+deb12u3",
    )
    assert parse_ssh_banner(b"HTTP/1.1 400 Bad Request\r\n") is None


def test_it_reports_an_ssh_server_with_its_version() -> None:
    [found] = run(probe_with("ssh", greeter(b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n")))
    assert (found.report_type, found.tag, found.product, found.version) == (
        "scan_ssh",
        "ssh",
        "OpenSSH",
        "9.2p1",
    )
    assert found.banner.startswith("SSH-2.0-OpenSSH_9.2p1")


def test_it_calls_ssh_protocol_1_weak() -> None:
    [found] = run(probe_with("ssh", greeter(b"SSH-1.99-dropbear_2019.78\r\n")))
    assert (found.tag, found.severity, found.product) == ("ssh-v1", "medium", "dropbear")


def test_it_reports_nothing_for_a_silent_service() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(0.5)

    async def go() -> list[Finding]:
        async with serve(silent) as (port, _):
            return await PROBES["ssh"].probe(Target("127.0.0.1", port), 0.2)

    assert run(go()) == []


def test_it_reads_an_ftp_greeting_and_asks_for_tls() -> None:
    async def ftp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"220-Welcome\r\n220 (vsFTPd 3.0.3)\r\n")
        line = await reader.readline()
        writer.write(b"234 Proceed\r\n" if line == b"AUTH TLS\r\n" else b"500 ?\r\n")
        await reader.readline()

    [found] = run(probe_with("ftp", ftp))
    assert (found.tag, found.product, found.version) == ("ftp", "vsFTPd", "3.0.3")
    assert found.details["auth_tls"] is True


def test_it_says_ehlo_and_notices_a_missing_starttls() -> None:
    seen: list[bytes] = []

    def smtp(extensions: bytes) -> Handler:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            writer.write(b"220 mail.test ESMTP Postfix (Debian/GNU)\r\n")
            seen.append(await reader.readline())
            writer.write(b"250-mail.test\r\n" + extensions + b"250 8BITMIME\r\n")
            await reader.readline()

        return handle

    [with_tls] = run(probe_with("smtp", smtp(b"250-PIPELINING\r\n250-STARTTLS\r\n")))
    [without] = run(probe_with("smtp", smtp(b"250-PIPELINING\r\n")))
    assert seen[0].startswith(b"EHLO ")
    assert (with_tls.tag, with_tls.product, with_tls.details["starttls"]) == (
        "smtp",
        "Postfix",
        True,
    )
    assert (without.tag, without.severity) == ("smtp-no-starttls", "medium")


def test_it_strips_telnet_negotiation_from_the_banner() -> None:
    data = b"\xff\xfb\x01\xff\xfd\x18\xff\xfa\x18\x01\xff\xf0Router login: "
    assert strip_telnet_commands(data) == (b"Router login: ", 3)
    [found] = run(probe_with("telnet", greeter(data)))
    assert (found.tag, found.banner, found.details["negotiates"]) == (
        "telnet",
        "Router login:",
        True,
    )


def test_it_parses_an_rdp_connection_confirm() -> None:
    async def rdp(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await reader.readexactly(len(CONNECTION_REQUEST))
        assert request == CONNECTION_REQUEST
        writer.write(bytes.fromhex("030000130ed000001234000200080002000000"))
        await reader.read(10)

    [found] = run(probe_with("rdp", rdp))
    assert (found.tag, found.details["selected_protocol"]) == ("accessible-rdp", "hybrid")
    plain = parse_connection_confirm(bytes.fromhex("030000130ed000001234000200080000000000"))
    assert plain is not None and plain.protocol == "rdp"
    assert parse_connection_confirm(b"SSH-2.0-x\r\n") is None


def http_server(response: bytes, requests: list[bytes]) -> Handler:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        requests.append(await reader.readuntil(b"\r\n\r\n"))
        writer.write(response)
        await writer.drain()

    return handle


def test_it_reports_status_server_title_and_an_unfollowed_redirect() -> None:
    requests: list[bytes] = []
    response = (
        b"HTTP/1.1 302 Found\r\nServer: nginx/1.22.1\r\nLocation: https://svc.test/login\r\n"
        b"Content-Length: 44\r\n\r\n<html><title> Router &amp; admin </title></html>"
    )
    [found] = run(probe_with("http", http_server(response, requests)))
    assert (found.report_type, found.tag, found.product, found.version) == (
        "scan_http",
        "http",
        "nginx",
        "1.22.1",
    )
    assert found.details["status"] == 302
    assert found.details["location"] == "https://svc.test/login"
    assert found.details["title"] == "Router & admin"
    assert b"Host: svc.test\r\n" in requests[0]
    assert b"User-Agent: CleanNet-ExposureScanner/1 (+" in requests[0]
    assert len(requests) == 1


def test_it_reads_no_more_than_the_body_cap() -> None:
    response = b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1_000_000
    [found] = run(probe_with("http", http_server(response, [])))
    assert found.details["status"] == 200


def test_it_reports_an_expired_self_signed_certificate_and_tls_1_0(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "old.test", expired=True)
    response = b"HTTP/1.1 200 OK\r\nServer: Apache\r\n\r\n<title>Old</title>"
    context = server_context(cert, key, allow_tls10=True)
    findings = run(probe_with("https", http_server(response, []), context))
    assert set(tags(findings)) >= {"ssl", "ssl-expired", "ssl-self-signed", "ssl-tls10", "https"}
    ssl_finding = next(f for f in findings if f.tag == "ssl")
    assert ssl_finding.report_type == "scan_ssl"
    assert ssl_finding.details["subject"] == "old.test"
    assert next(f for f in findings if f.tag == "https").details["title"] == "Old"


def test_it_reports_no_weak_protocol_on_a_modern_server(tmp_path: Path) -> None:
    cert, key = self_signed(tmp_path, "new.test", expired=False)
    context = server_context(cert, key, allow_tls10=False)
    findings = run(probe_with("https", http_server(b"HTTP/1.1 204 No\r\n\r\n", []), context))
    assert "ssl-expired" not in tags(findings)
    assert not {"ssl-tls10", "ssl-tls11"} & set(tags(findings))
    assert next(f for f in findings if f.tag == "ssl").details["protocol"] in {"TLSv1.2", "TLSv1.3"}


def test_it_finds_the_probes_of_a_port() -> None:
    assert [p.name for p in probes_for_port(443)] == ["https"]
    assert "ssh" in [p.name for p in probes_for_port(22)]
    assert probes_for_port(1) == []
