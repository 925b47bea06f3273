"""The probe contract and the bounded reading helpers every probe uses.

A probe talks to one open service and returns what it saw as ``Finding`` records. It never
reads without a byte cap and a deadline: a hostile or broken service can send nothing or send
forever, and neither may hold the scan.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import re
import ssl
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from cleannet.engines.exposure.model import (
    DetailValue,
    Finding,
    Severity,
    Target,
    Transport,
    utc_now,
)

__all__ = [
    "BANNER_CAP",
    "DEFAULT_USER_AGENT",
    "Connection",
    "Probe",
    "ProbeContext",
    "Target",
    "banner_text",
    "finding",
    "open_connection",
    "probe_context",
    "read_banner",
    "read_exactly",
    "read_reply",
    "read_until",
    "set_probe_context",
]

BANNER_CAP = 4096
DEFAULT_USER_AGENT = "CleanNet-ExposureScanner/1 (+https://cleannet.invalid/scanner)"


@dataclass(frozen=True, slots=True)
class ProbeContext:
    """What the scanner passes every probe: how it names itself (HTTP User-Agent, SMTP EHLO)."""

    user_agent: str = DEFAULT_USER_AGENT
    ehlo_name: str = "scanner.cleannet.invalid"


_DEFAULT_CONTEXT = ProbeContext()
_CONTEXT: contextvars.ContextVar[ProbeContext | None] = contextvars.ContextVar(
    "exposure_probe_context", default=None
)


def probe_context() -> ProbeContext:
    """Return how the running scan names itself; the scanner sets it, probes read it."""
    return _CONTEXT.get() or _DEFAULT_CONTEXT


def set_probe_context(context: ProbeContext) -> contextvars.Token[ProbeContext | None]:
    """Make ``context`` the one probes see in this task and the tasks it starts."""
    return _CONTEXT.set(context)


@runtime_checkable
class Probe(Protocol):
    """One protocol's probe; stateless, so one instance serves every target at once.

    ``probe`` returns the findings (possibly none: the service did not speak the protocol)
    and never raises for network trouble (timeouts, resets, garbage): those mean no finding.
    """

    name: str
    report_type: str
    default_ports: tuple[int, ...]
    transport: str

    async def probe(self, target: Target, timeout: float) -> list[Finding]: ...


@dataclass(slots=True)
class Connection:
    """An open TCP stream to a target, with a deadline-bound reader."""

    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter


@asynccontextmanager
async def open_connection(
    target: Target, timeout: float, tls: ssl.SSLContext | None = None
) -> AsyncIterator[Connection]:
    """Connect to ``target`` within ``timeout`` seconds and close the socket on exit.

    Raises ``OSError`` or ``TimeoutError`` when the connection cannot be made.
    """
    server_hostname = (target.hostname or None) if tls is not None else None
    # ``asyncio.timeout`` is one timer; ``wait_for`` (3.11) also wraps the call in a new task
    async with asyncio.timeout(timeout):
        reader, writer = await asyncio.open_connection(
            target.ip, target.port, ssl=tls, server_hostname=server_hostname, limit=BANNER_CAP * 4
        )
    try:
        yield Connection(reader, writer)
    finally:
        await _close(writer)


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close ``writer``'s socket; wait at most a second for a TLS shutdown or unsent bytes."""
    transport = writer.transport
    if transport.get_extra_info("sslcontext") is None and not transport.get_write_buffer_size():
        # plain and nothing left to send: the loop closes the socket on its next turn
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
        return
    writer.close()
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            await writer.wait_closed()


async def read_banner(reader: asyncio.StreamReader, timeout: float, cap: int = BANNER_CAP) -> bytes:
    """Read what the service sends until it pauses, closes, ``cap`` bytes or ``timeout``.

    Returns the bytes read so far (possibly empty); never raises for a timeout or a reset.
    """
    chunks: list[bytes] = []
    size = 0
    if timeout <= 0:
        return b""
    try:
        async with asyncio.timeout(timeout):  # one timer for the whole read, not one per chunk
            while size < cap:
                chunk = await reader.read(cap - size)
                if not chunk:
                    break
                chunks.append(chunk)
                size += len(chunk)
                if chunk.endswith(b"\n"):
                    break  # line protocols greet with whole lines; do not wait for the deadline
    except (TimeoutError, OSError, ssl.SSLError):
        pass  # what arrived before the deadline or the reset is the answer
    return b"".join(chunks)[:cap]


async def read_until(
    reader: asyncio.StreamReader, marker: bytes, timeout: float, cap: int = BANNER_CAP
) -> bytes:
    """Read until ``marker`` has been seen, the peer closes, ``cap`` bytes or ``timeout``.

    Returns what was read (cut to ``cap``); never raises for a timeout or a reset.
    """
    data = b""
    if timeout <= 0:
        return data
    try:
        async with asyncio.timeout(timeout):  # one timer for the whole read, not one per chunk
            while len(data) < cap and marker not in data:
                chunk = await reader.read(cap - len(data))
                if not chunk:
                    break
                data += chunk
    except (TimeoutError, OSError, ssl.SSLError):
        pass  # what arrived before the deadline or the reset is the answer
    return data[:cap]


async def read_exactly(reader: asyncio.StreamReader, size: int, timeout: float) -> bytes:
    """Read ``size`` bytes (keep ``size`` small: it is the cap), or fewer on close or timeout."""
    try:
        async with asyncio.timeout(timeout):
            return await reader.readexactly(size)
    except asyncio.IncompleteReadError as short:
        return short.partial
    except (TimeoutError, OSError, ssl.SSLError):
        return b""


_FINAL_REPLY_LINE = re.compile(rb"(?:^|\n)\d{3}(?: [^\n]*)?\r?\n$")


async def read_reply(reader: asyncio.StreamReader, timeout: float, cap: int = BANNER_CAP) -> bytes:
    """Read one FTP/SMTP-style reply, which may span ``NNN-`` lines and ends at ``NNN ``.

    Returns what was read (cut to ``cap``, possibly partial); never raises for a timeout.
    """
    data = b""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(data) < cap:
        left = deadline - loop.time()
        chunk = await read_until(reader, b"\n", left, cap - len(data)) if left > 0 else b""
        if not chunk:
            break
        data += chunk
        if _FINAL_REPLY_LINE.search(data):
            break
    return data[:cap]


def banner_text(data: bytes, limit: int = 512) -> str:
    """Decode a banner for display: replacement for bad bytes, control bytes dropped, cut."""
    text = data.decode("utf-8", errors="replace")
    kept = "".join(ch for ch in text if ch.isprintable() or ch in "\r\n\t")
    return kept.strip()[:limit]


def finding(
    probe: Probe,
    target: Target,
    *,
    tag: str,
    severity: Severity = "info",
    product: str = "",
    version: str = "",
    banner: str = "",
    details: Mapping[str, DetailValue] | None = None,
    report_type: str | None = None,
) -> Finding:
    """Build a ``Finding`` for ``target`` with the probe's report type and transport."""
    transport: Transport = "udp" if probe.transport == "udp" else "tcp"
    return Finding(
        report_type=report_type or probe.report_type,
        ip=target.ip,
        port=target.port,
        transport=transport,
        product=product,
        version=version,
        banner=banner,
        tag=tag,
        severity=severity,
        details=dict(details or {}),
        observed_at=utc_now(),
    )
