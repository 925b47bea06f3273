"""Loopback servers the exposure tests open themselves (port 0), and a scope around them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date

from cleannet.engines.exposure import Finding, Scope, Target, load_scope
from cleannet.engines.exposure.probes import select_probes

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
TODAY = date(2026, 5, 1)


class Counter:
    """Counts the connections a listener accepted."""

    def __init__(self) -> None:
        self.accepted = 0


@asynccontextmanager
async def serve(handler: Handler, ssl_context: object = None) -> AsyncIterator[tuple[int, Counter]]:
    """Listen on 127.0.0.1, a port the system picks; yield (port, accept counter)."""
    counter = Counter()

    async def counted(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        counter.accepted += 1
        try:
            await handler(reader, writer)
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(counted, "127.0.0.1", 0, ssl=ssl_context)
    port = server.sockets[0].getsockname()[1]
    try:
        yield port, counter
    finally:
        server.close()
        await server.wait_closed()


def greeter(banner: bytes) -> Handler:
    """A handler that sends ``banner`` and waits briefly for the client to go."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(banner)
        await writer.drain()
        await asyncio.wait_for(reader.read(1024), 2)

    return handle


def closed_port() -> socket.socket:
    """A socket bound to a loopback port but not listening: connects to it are refused."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def loopback_scope(**overrides: object) -> Scope:
    """A scope of 127.0.0.0/24, approved until the end of 2026."""
    data: dict[str, object] = {
        "name": "loopback",
        "networks": ["127.0.0.0/24"],
        "owner": "CleanNet tests",
        "approved_by": "the test suite",
        "approved_until": "2026-12-31",
        "rate_per_second": 10_000,
    }
    data.update(overrides)
    return load_scope(data)


class SshOn:
    """The registry's SSH probe, told that the test's port is an SSH port."""

    def __init__(self, port: int) -> None:
        base = select_probes(["ssh"])["ssh"]
        self.name, self.report_type, self.transport = "ssh", base.report_type, base.transport
        self.default_ports = (port,)
        self._base = base

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        return await self._base.probe(target, timeout)
