"""MySQL and MariaDB: read the server's initial handshake (protocol 10), send nothing.

The greeting names the server version (``8.0.36-0ubuntu0.22.04.1``; MariaDB prefixes
``5.5.5-`` for old replication clients: ``5.5.5-10.11.6-MariaDB``), the default authentication
plugin and whether TLS is offered. An error packet instead (``Host '…' is not allowed to
connect``) still shows a server listening on the network.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_exactly,
)

__all__ = ["MySqlGreeting", "MySqlProbe", "parse_greeting", "product_and_version"]

_PACKET_CAP = 1024
_CLIENT_SSL = 0x0800
_VERSION = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True, slots=True)
class MySqlGreeting:
    """What an initial handshake (or an error packet in its place) said."""

    server_version: str = ""
    ssl: bool = False
    auth_plugin: str = ""
    error_code: int = 0
    error_message: str = ""


def product_and_version(server_version: str) -> tuple[str, str]:
    """(``MariaDB`` or ``MySQL``, the dotted version) from a handshake's version string."""
    if "mariadb" in server_version.lower():
        text = re.sub(r"^5\.5\.5-", "", server_version)
        found = _VERSION.search(text)
        return "MariaDB", found.group(0) if found else ""
    found = _VERSION.search(server_version)
    return "MySQL", found.group(0) if found else ""


def _handshake(payload: bytes) -> MySqlGreeting | None:
    version, sep, rest = payload[1:].partition(b"\x00")
    if not sep or len(rest) < 4 + 8 + 1 + 2:
        return None
    capabilities = struct.unpack("<H", rest[13:15])[0]
    if len(rest) >= 20:
        capabilities |= struct.unpack("<H", rest[18:20])[0] << 16
    plugin = b""
    if len(rest) > 31:  # 10 reserved bytes, then the rest of the salt, then the plugin name
        tail = rest[31:].split(b"\x00")
        plugin = tail[1] if len(tail) > 1 else b""
    return MySqlGreeting(
        server_version=version.decode("utf-8", "replace")[:128],
        ssl=bool(capabilities & _CLIENT_SSL),
        auth_plugin=plugin.decode("ascii", "replace")[:64],
    )


def parse_greeting(packet: bytes) -> MySqlGreeting | None:
    """The greeting in one packet (3-byte length, sequence, payload), ``None`` if not MySQL."""
    if len(packet) < 5:
        return None
    payload = packet[4 : 4 + int.from_bytes(packet[:3], "little")]
    if payload[:1] == b"\x0a":
        return _handshake(payload)
    if payload[:1] == b"\xff" and len(payload) >= 3:
        code = struct.unpack("<H", payload[1:3])[0]
        message = payload[3:].lstrip(b"#")
        message = message[5:] if payload[3:4] == b"#" else message  # SQL state marker
        return MySqlGreeting(
            error_code=code, error_message=message.decode("utf-8", "replace")[:256]
        )
    return None


class MySqlProbe:
    """Reports ``mysql`` with product and version, or ``unexpected-response``."""

    name = "mysql"
    report_type = "scan_mysql"
    default_ports: tuple[int, ...] = (3306,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service greeted, none when it stayed silent."""
        try:
            async with open_connection(target, timeout) as conn:
                head = await read_exactly(conn.reader, 4, timeout)
                size = int.from_bytes(head[:3], "little") if len(head) == 4 else 0
                body = await read_exactly(conn.reader, min(size, _PACKET_CAP), timeout)
        except (OSError, TimeoutError):
            return []
        packet = head + body
        greeting = parse_greeting(packet) if 0 < size <= _PACKET_CAP else None
        if greeting is None:
            return (
                [finding(self, target, tag="unexpected-response", banner=banner_text(packet))]
                if packet
                else []
            )
        product, version = product_and_version(greeting.server_version)
        details: dict[str, str | int | bool] = {
            "ssl": greeting.ssl,
            "auth_plugin": greeting.auth_plugin,
        }
        if greeting.error_code:
            details = {"error_code": greeting.error_code, "error": greeting.error_message}
            product, version = "", ""
        return [
            finding(
                self,
                target,
                tag="mysql",
                severity="low",
                product=product,
                version=version,
                banner=greeting.server_version,
                details=details,
            )
        ]
