"""Loopback services the exposure tests open themselves, and scopes around them.

``fake_redis`` answers ``INFO server`` like a Redis without a password (version 6.0.5, which
the shipped fingerprint rules call vulnerable); ``listener`` accepts and says nothing. Both
listen on a port the system picks and count the connections they accepted. The platform's
probes only try their default ports, so ``redis_on`` makes a Redis probe for a test's port.
"""

from __future__ import annotations

import datetime as dt
import socket
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.redis import RedisProbe
from cleannet.server.exposure import scans
from cleannet.server.exposure.models import ScanScope
from cleannet.server.exposure.services import define_scope

INFO = b"# Server\r\nredis_version:6.0.5\r\nredis_mode:standalone\r\nos:Linux\r\n"


@dataclass
class Service:
    """A loopback listener: where it is, how many connections it accepted; ``stop`` closes it."""

    host: str
    port: int
    server: socketserver.ThreadingTCPServer
    accepted: list[int]

    @property
    def accepts(self) -> int:
        return len(self.accepted)

    def answer(self, reply: bytes | None) -> None:
        """Answer the next connections with ``reply`` (None: say nothing)."""
        self.server.reply = reply  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        self.server.accepted.append(1)  # type: ignore[attr-defined]
        reply: bytes | None = self.server.reply  # type: ignore[attr-defined]
        sock: socket.socket = self.request
        sock.settimeout(2)
        try:
            if reply is not None and sock.recv(1024):
                sock.sendall(reply)
        except OSError:
            pass


def _serve(host: str, reply: bytes | None) -> Service:
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    server = socketserver.ThreadingTCPServer((host, 0), _Handler)
    server.daemon_threads = True
    accepted: list[int] = []
    server.accepted = accepted  # type: ignore[attr-defined]
    server.reply = reply  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return Service(host, server.server_address[1], server, accepted)


OPEN_REDIS = b"$%d\r\n%s\r\n" % (len(INFO), INFO)
GUARDED_REDIS = b"-NOAUTH Authentication required.\r\n"


@pytest.fixture
def fake_redis() -> Iterator[Service]:
    service = _serve("127.0.0.1", OPEN_REDIS)
    yield service
    service.stop()


@pytest.fixture
def listener() -> Iterator[Callable[[str], Service]]:
    """A factory of silent listeners on a loopback address of the test's choosing."""
    opened: list[Service] = []

    def make(host: str = "127.0.0.1") -> Service:
        opened.append(_serve(host, None))
        return opened[-1]

    yield make
    for service in opened:
        service.stop()


class PortedProbe:
    """The Redis probe, tried on a test's port instead of 6379."""

    name = "redis"
    report_type = "scan_redis"
    transport = "tcp"

    def __init__(self, port: int) -> None:
        self.default_ports = (port,)
        self._probe = RedisProbe()

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        return await self._probe.probe(target, timeout)


@pytest.fixture
def redis_on(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """Make the platform's only probe a Redis probe for ``port``."""

    def use(port: int) -> None:
        monkeypatch.setattr(scans, "PROBES", {"redis": PortedProbe(port)})

    return use


@pytest.fixture
def make_scope(personas: Any) -> Callable[..., ScanScope]:
    """Define a scope of 127.0.0.1/32 owned by the ISP persona, approved for a year."""

    def make(**fields: Any) -> ScanScope:
        values: dict[str, Any] = {
            "name": "loopback",
            "title": "Loopback",
            "owner": personas.isp_org,
            "networks": ["127.0.0.1/32"],
            "approval_reference": "Decision 12/2026 of the authority",
            "approved_until": timezone.localdate() + dt.timedelta(days=365),
            "rate_per_second": 1000,
        }
        values.update(fields)
        return define_scope(personas.admin.user, **values)

    return make
