"""Redis: ``INFO server`` without credentials, as Shadowserver's ``scan_redis`` does.

A bulk reply (``$571`` …) means anyone on the network can read and write the data: ``open-redis``
(high) with the version and mode from INFO. ``-NOAUTH`` (a password is set) or ``-DENIED``
(protected mode) mean the port is exposed but guarded: ``redis`` (info). Other bytes are an
``unexpected-response``; silence is nothing.
"""

from __future__ import annotations

import asyncio

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_exactly,
    read_until,
)

__all__ = ["INFO_CAP", "RedisProbe", "parse_info", "read_resp_reply"]

INFO_CAP = 16 * 1024
_GUARDS = {b"NOAUTH": "password", b"DENIED": "protected-mode", b"NOPERM": "acl"}
_KEPT = ("redis_version", "redis_mode", "os", "arch_bits", "tcp_port", "uptime_in_days")


async def read_resp_reply(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """Read one RESP reply: a ``+``/``-`` line, or a ``$n`` bulk string cut to ``INFO_CAP``."""
    head = await read_until(reader, b"\r\n", timeout, cap=INFO_CAP)
    if not head.startswith(b"$"):
        return head
    size_text, _, body = head[1:].partition(b"\r\n")
    try:
        size = min(int(size_text), INFO_CAP)
    except ValueError:
        return head
    if len(body) < size:
        body += await read_exactly(reader, size - len(body), timeout)
    return b"$" + size_text + b"\r\n" + body[:size]


def parse_info(text: str) -> dict[str, str]:
    """The ``key:value`` lines of an INFO reply (sections and blank lines skipped)."""
    fields: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and not line.startswith("#"):
            fields[key.strip()] = value.strip()[:128]
    return fields


class RedisProbe:
    """Sends ``INFO server``; reports ``open-redis``, ``redis`` or ``unexpected-response``."""

    name = "redis"
    report_type = "scan_redis"
    default_ports: tuple[int, ...] = (6379,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service answered, none when it stayed silent."""
        try:
            async with open_connection(target, timeout) as conn:
                conn.writer.write(b"INFO server\r\n")
                await conn.writer.drain()
                reply = await read_resp_reply(conn.reader, timeout)
        except (OSError, TimeoutError):
            return []
        return [self._classify(target, reply)] if reply else []

    def _classify(self, target: Target, reply: bytes) -> Finding:
        if reply.startswith(b"$"):
            info = parse_info(reply.decode("utf-8", errors="replace"))
            details = {key: info[key] for key in _KEPT if key in info}
            return finding(
                self,
                target,
                tag="open-redis",
                severity="high",
                product="Redis",
                version=info.get("redis_version", ""),
                details={**details, "authentication": False},
            )
        text = banner_text(reply, 256)
        if reply.startswith((b"-NOAUTH", b"-DENIED", b"-NOPERM", b"-ERR")):
            guard = _GUARDS.get(reply[1:].split(b" ", 1)[0], "unknown")
            return finding(
                self,
                target,
                tag="redis",
                product="Redis",
                banner=text,
                details={"authentication": True, "guard": guard},
            )
        return finding(self, target, tag="unexpected-response", banner=text)
