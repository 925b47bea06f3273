"""The database and broker probes against the real services running on this machine.

Each test skips, saying which port, when its service does not listen on loopback. Branches the
local configuration does not show (a password, a refusal) are played by small fake servers.
"""

from __future__ import annotations

import asyncio
import socket
import struct

import pytest

from cleannet.engines.exposure import PROBES, Finding, Target
from cleannet.engines.exposure.probes.mysql import parse_greeting, product_and_version
from cleannet.engines.exposure.probes.postgres import parse_auth_reply

from .servers import Handler, greeter, serve


def require_local(port: int, service: str) -> None:
    try:
        socket.create_connection(("127.0.0.1", port), 0.5).close()
    except OSError:
        pytest.skip(f"{service} does not listen on 127.0.0.1:{port}")


def probe_local(name: str, port: int) -> list[Finding]:
    return asyncio.run(PROBES[name].probe(Target("127.0.0.1", port), 3.0))


def probe_fake(name: str, handler: Handler) -> list[Finding]:
    async def go() -> list[Finding]:
        async with serve(handler) as (port, _):
            return await PROBES[name].probe(Target("127.0.0.1", port), 2.0)

    return asyncio.run(go())


def test_it_reports_the_local_redis_as_open_with_its_version() -> None:
    require_local(6379, "Redis")
    [found] = probe_local("redis", 6379)
    assert (found.report_type, found.tag, found.severity, found.product) == (
        "scan_redis",
        "open-redis",
        "high",
        "Redis",
    )
    assert found.version.count(".") == 2
    assert found.details["authentication"] is False


def test_it_calls_a_redis_asking_for_a_password_protected() -> None:
    [found] = probe_fake("redis", greeter(b"-NOAUTH Authentication required.\r\n"))
    assert (found.tag, found.severity, found.details["guard"]) == ("redis", "info", "password")


def test_it_calls_a_non_redis_answer_unexpected() -> None:
    [found] = probe_fake("redis", greeter(b"HTTP/1.1 400 Bad Request\r\n\r\n"))
    assert found.tag == "unexpected-response"
    assert found.banner.startswith("HTTP/1.1 400")


def test_it_reports_the_local_mosquitto_accepting_anonymous_clients() -> None:
    require_local(1883, "Mosquitto")
    [found] = probe_local("mqtt", 1883)
    assert (found.report_type, found.tag, found.severity) == ("scan_mqtt", "open-mqtt", "high")
    assert found.details["return_code"] == 0


def test_it_calls_a_broker_that_refuses_anonymous_clients_protected() -> None:
    async def refusing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(64)
        writer.write(b"\x20\x02\x00\x05")
        await writer.drain()

    [found] = probe_fake("mqtt", refusing)
    assert (found.tag, found.details["reason"]) == ("mqtt", "not-authorised")


def test_it_reports_the_local_postgres_trusting_loopback_as_critical() -> None:
    require_local(5432, "PostgreSQL")
    [found] = probe_local("postgres", 5432)
    assert found.report_type == "scan_postgres"
    assert found.details["auth_method"] == "trust", "this machine's pg_hba trusts loopback"
    assert (found.tag, found.severity) == ("open-postgres", "critical")
    assert found.details["ssl"] is False


def test_it_reads_the_password_method_and_refusals_from_postgres_replies() -> None:
    assert parse_auth_reply(b"R", struct.pack("!I", 5) + b"salt") == ("md5", "")
    sasl = struct.pack("!I", 10) + b"SCRAM-SHA-256-PLUS\x00SCRAM-SHA-256\x00\x00"
    assert parse_auth_reply(b"R", sasl) == ("sasl", "SCRAM-SHA-256-PLUS,SCRAM-SHA-256")
    refusal = b"SFATAL\x00C28000\x00Mno pg_hba.conf entry for host\x00\x00"
    assert parse_auth_reply(b"E", refusal) == ("rejected", "no pg_hba.conf entry for host")


def test_it_flags_a_clear_text_postgres_password_without_tls() -> None:
    async def cleartext(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readexactly(8)
        writer.write(b"N")
        await reader.read(256)
        writer.write(b"R" + struct.pack("!II", 8, 3))
        await writer.drain()
        await reader.read(16)

    [found] = probe_fake("postgres", cleartext)
    assert (found.tag, found.severity, found.details["auth_method"]) == (
        "postgres",
        "medium",
        "password",
    )


def test_it_reads_the_local_mariadb_handshake() -> None:
    require_local(3306, "MariaDB/MySQL")
    [found] = probe_local("mysql", 3306)
    assert (found.report_type, found.tag) == ("scan_mysql", "mysql")
    assert found.product in ("MariaDB", "MySQL")
    assert found.version and not found.version.startswith("5.5.5-")
    assert found.details["auth_plugin"]


def test_it_names_mariadb_behind_the_replication_prefix() -> None:
    assert product_and_version("5.5.5-10.3.39-MariaDB-0+deb10u2") == ("MariaDB", "10.3.39")
    assert product_and_version("8.0.36-0ubuntu0.22.04.1") == ("MySQL", "8.0.36")


def test_it_reads_a_mysql_host_refusal_as_a_server_listening() -> None:
    message = b"Host '10.0.0.9' is not allowed to connect to this MySQL server"
    payload = b"\xff" + struct.pack("<H", 1130) + message
    greeting = parse_greeting(len(payload).to_bytes(3, "little") + b"\x00" + payload)
    assert greeting is not None
    assert (greeting.error_code, greeting.error_message) == (1130, message.decode())


def test_it_calls_garbage_on_the_mysql_port_unexpected() -> None:
    [found] = probe_fake("mysql", greeter(b"SSH-2.0-OpenSSH_9.2p1\r\n"))
    assert found.tag == "unexpected-response"
