"""Real parts on the loopback: an aiosmtpd relay (plain, or STARTTLS + AUTH with a
self-signed certificate) and the SMPP sink."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from cleannet.server.notices.channels.smpp_sink import SmppSink

from .loopback import (
    SMPP_PASSWORD,
    SMPP_SYSTEM_ID,
    Relay,
    authenticate,
    free_port,
    write_certificate,
)


@pytest.fixture
def relay() -> Iterator[Relay]:
    """A plain relay on the loopback, no TLS and no login."""
    handler = Relay(port=free_port())
    handler.controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    handler.controller.start()
    try:
        yield handler
    finally:
        handler.controller.stop()


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def tls_relay(certificate: tuple[Path, Path]) -> Iterator[Relay]:
    """A relay that requires STARTTLS, then AUTH (PLAIN/LOGIN) with USER / PASSWORD."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(*certificate)
    handler = Relay(port=free_port())
    handler.controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=handler.port,
        tls_context=server_context,
        require_starttls=True,
        auth_required=True,
        authenticator=authenticate,
    )
    handler.controller.start()
    try:
        yield handler
    finally:
        handler.controller.stop()


@pytest.fixture
def client_tls(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """A client context that trusts the test certificate only."""
    return ssl.create_default_context(cafile=str(certificate[0]))


@pytest.fixture
def sink() -> Iterator[SmppSink]:
    with SmppSink(system_id=SMPP_SYSTEM_ID, password=SMPP_PASSWORD) as server:
        yield server
