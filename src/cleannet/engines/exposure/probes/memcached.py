"""memcached: ``version`` and ``stats`` over TCP, and one ``version`` over UDP.

memcached has no authentication unless built with SASL: answering ``stats`` means anyone can
read and overwrite the cache, ``open-memcached`` (high). A reply over UDP means the server can
amplify spoofed requests (up to 50,000x, the 2018 attacks): a second finding
``memcached-udp`` (high) with ``transport="udp"``. Versions before 1.5.6 listen on UDP by
default (CVE-2018-1000115); ``details["udp_default_on"]`` says so.
"""

from __future__ import annotations

import dataclasses
import re
import struct

from cleannet.engines.exposure.fingerprints import version_key
from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_until,
)
from cleannet.engines.exposure.probes.dns import udp_exchange

__all__ = ["MemcachedProbe", "parse_stats"]

STATS_CAP = 16 * 1024
UDP_VERSION = struct.pack("!HHHH", 0x434E, 0, 1, 0) + b"version\r\n"  # frame header, then command
_VERSION = re.compile(rb"^VERSION (\S+)\r?\n")
_KEPT = ("uptime", "curr_items", "total_items", "bytes", "curr_connections", "threads")


def parse_stats(data: bytes) -> dict[str, str]:
    """The ``STAT name value`` lines of a ``stats`` reply."""
    stats: dict[str, str] = {}
    for line in data.decode("utf-8", "replace").splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[0] == "STAT":
            stats[parts[1]] = parts[2][:64]
    return stats


class MemcachedProbe:
    """Reports ``open-memcached`` (+ ``memcached-udp``) or ``unexpected-response``."""

    name = "memcached"
    report_type = "scan_memcached"
    default_ports: tuple[int, ...] = (11211,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return the TCP finding, and the UDP one when UDP answers; none when silent."""
        try:
            async with open_connection(target, timeout) as conn:
                conn.writer.write(b"version\r\n")
                await conn.writer.drain()
                version_line = await read_until(conn.reader, b"\n", timeout, cap=256)
                stats_reply = b""
                if _VERSION.match(version_line):
                    conn.writer.write(b"stats\r\n")
                    await conn.writer.drain()
                    stats_reply = await read_until(conn.reader, b"END\r\n", timeout, cap=STATS_CAP)
        except (OSError, TimeoutError):
            return []
        matched = _VERSION.match(version_line)
        if matched is None:
            return (
                [finding(self, target, tag="unexpected-response", banner=banner_text(version_line))]
                if version_line
                else []
            )
        tcp = self._open(target, matched.group(1).decode("ascii", "replace"), stats_reply)
        return [tcp, *await self._udp(target, tcp, timeout)]

    def _open(self, target: Target, version: str, stats_reply: bytes) -> Finding:
        stats = parse_stats(stats_reply)
        key = version_key(version)
        details: dict[str, str | int | bool] = {k: stats[k] for k in _KEPT if k in stats}
        details |= {
            "authentication": False,
            "udp_default_on": key is not None and key < (1, 5, 6, 0, 0, 0),
        }
        return finding(
            self,
            target,
            tag="open-memcached",
            severity="high",
            product="memcached",
            version=version[:64],
            details=details,
        )

    async def _udp(self, target: Target, tcp: Finding, timeout: float) -> list[Finding]:
        try:
            reply = await udp_exchange(target, UDP_VERSION, timeout)
        except OSError:
            return []
        if b"VERSION" not in reply[8:]:
            return []
        udp = finding(
            self,
            target,
            tag="memcached-udp",
            severity="high",
            product="memcached",
            version=tcp.version,
            details={"amplification": True, "reply_bytes": len(reply)},
        )
        return [dataclasses.replace(udp, transport="udp")]
