"""PostgreSQL: SSLRequest, then a StartupMessage, and the authentication the server asks for.

The scan signs in as a role that should not exist (``cleannet_scanner``): a server asks for the
password method configured in ``pg_hba.conf`` before it looks the role up, so the method is
seen without trying any real account. ``trust`` answers ``AuthenticationOk`` at once: anyone
reaching the port is in, ``open-postgres`` (critical). Otherwise ``postgres`` — a database
reachable from the network — low, or medium when the password would travel in clear text.
"""

from __future__ import annotations

import asyncio
import ssl
import struct

from cleannet.engines.exposure.model import DetailValue, Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_exactly,
)
from cleannet.engines.exposure.probes.http import scanning_context

__all__ = ["SSL_REQUEST", "PostgresProbe", "parse_auth_reply", "startup_message"]

SCAN_ROLE = "cleannet_scanner"
SSL_REQUEST = struct.pack("!II", 8, 80877103)
TERMINATE = b"X\x00\x00\x00\x04"
_MESSAGE_CAP = 2048
_METHODS = {0: "trust", 2: "kerberos", 3: "password", 5: "md5", 7: "gss", 9: "sspi", 10: "sasl"}


def startup_message(user: str = SCAN_ROLE, database: str = "postgres") -> bytes:
    """A protocol 3.0 StartupMessage naming ``user`` and ``database``."""
    params = b"".join(
        f"{k}\x00{v}\x00".encode() for k, v in (("user", user), ("database", database))
    )
    body = struct.pack("!I", 196608) + params + b"\x00"
    return struct.pack("!I", len(body) + 4) + body


def parse_auth_reply(kind: bytes, payload: bytes) -> tuple[str, str]:
    """(method, detail) from the first message after StartupMessage.

    ``R`` gives the method (``trust``, ``md5``, ``sasl`` with its mechanisms …); ``E`` gives
    ``rejected`` and the server's message (``no pg_hba.conf entry`` …); else ``("", "")``.
    """
    if kind == b"R" and len(payload) >= 4:
        code = struct.unpack("!I", payload[:4])[0]
        method = _METHODS.get(code, f"code-{code}")
        mechanisms = payload[4:].split(b"\x00") if code == 10 else []
        return method, ",".join(m.decode("ascii", "replace") for m in mechanisms if m)
    if kind == b"E":
        fields = {part[:1]: part[1:] for part in payload.split(b"\x00") if part}
        return "rejected", fields.get(b"M", b"").decode("utf-8", "replace")[:256]
    return "", ""


async def _read_message(reader: asyncio.StreamReader, timeout: float) -> tuple[bytes, bytes]:
    head = await read_exactly(reader, 5, timeout)
    if len(head) < 5:
        return head[:1], b""
    size = struct.unpack("!I", head[1:])[0] - 4
    if not 0 <= size <= _MESSAGE_CAP:
        return b"?", head
    return head[:1], await read_exactly(reader, size, timeout)


class PostgresProbe:
    """Reports ``open-postgres``, ``postgres`` or ``unexpected-response``, with ssl support."""

    name = "postgres"
    report_type = "scan_postgres"
    default_ports: tuple[int, ...] = (5432,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service answered like PostgreSQL, none if silent."""
        try:
            async with open_connection(target, timeout) as conn:
                conn.writer.write(SSL_REQUEST)
                await conn.writer.drain()
                answer = await read_exactly(conn.reader, 1, timeout)
                if answer == b"S":
                    await asyncio.wait_for(conn.writer.start_tls(scanning_context()), timeout)
                elif answer != b"N":
                    return self._unexpected(target, answer)
                conn.writer.write(startup_message())
                await conn.writer.drain()
                kind, payload = await _read_message(conn.reader, timeout)
                conn.writer.write(TERMINATE)
        except (OSError, TimeoutError, ssl.SSLError):
            return []
        method, detail = parse_auth_reply(kind, payload)
        if not method:
            return self._unexpected(target, kind + payload)
        return [self._finding(target, method, detail, ssl_supported=answer == b"S")]

    def _unexpected(self, target: Target, data: bytes) -> list[Finding]:
        return (
            [finding(self, target, tag="unexpected-response", banner=banner_text(data))]
            if data
            else []
        )

    def _finding(self, target: Target, method: str, detail: str, *, ssl_supported: bool) -> Finding:
        details: dict[str, DetailValue] = {
            "auth_method": method,
            "ssl": ssl_supported,
            "server_message": detail,
        }
        if method == "trust":
            return finding(
                self,
                target,
                tag="open-postgres",
                severity="critical",
                product="PostgreSQL",
                details=details,
            )
        clear_text = method == "password" and not ssl_supported
        return finding(
            self,
            target,
            tag="postgres",
            severity="medium" if clear_text else "low",
            product="PostgreSQL",
            details=details,
        )
