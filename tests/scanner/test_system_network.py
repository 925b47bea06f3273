"""Live connections against C2 addresses, with a real loopback listener."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest

from cleannet.scanner.model import DetectionKind
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.system.network import Connection, scan_connections


def _sigs(c2: str) -> SignatureSet:
    return SignatureSet.from_bundle_payload({"c2-iocs.txt": f"# Test C2 server\n{c2}\n".encode()})


@pytest.fixture
def loopback_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    client = socket.create_connection(listener.getsockname())
    server, _ = listener.accept()
    yield client, server
    for sock in (client, server, listener):
        sock.close()


def test_it_flags_a_live_connection_to_a_c2_address(loopback_pair) -> None:
    client, _ = loopback_pair
    local, remote = client.getsockname(), client.getpeername()
    detections, unscanned = scan_connections(_sigs("127.0.0.1"))
    assert unscanned == []
    ours = [d for d in detections if d.path == f"tcp:{local[0]}:{local[1]}->127.0.0.1:{remote[1]}"]
    assert len(ours) == 1
    assert ours[0].kind is DetectionKind.C2
    assert ours[0].detection == "Test C2 server"
    assert f"pid {os.getpid()}" in ours[0].description


def test_it_matches_a_cidr_ioc(loopback_pair) -> None:
    detections, _ = scan_connections(_sigs("127.0.0.0/8"))
    assert any(
        d.path.endswith(f"->127.0.0.1:{loopback_pair[1].getsockname()[1]}") for d in detections
    )


def test_it_leaves_connections_to_other_addresses_alone(loopback_pair) -> None:
    detections, _ = scan_connections(_sigs("192.0.2.44"))
    assert detections == []


def test_it_matches_an_ipv4_mapped_ipv6_peer_as_ipv4() -> None:
    conn = Connection(
        "tcp", "::ffff:10.0.0.2", 50000, "::ffff:198.51.100.7", 443, None, "ESTABLISHED"
    )
    detections, _ = scan_connections(_sigs("198.51.100.7"), connections=[conn])
    assert [d.path for d in detections] == [
        "tcp:[::ffff:10.0.0.2]:50000->[::ffff:198.51.100.7]:443"
    ]
    assert "process unknown" in detections[0].description
