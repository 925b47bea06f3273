"""Live network connections against C2 IOCs (addresses and CIDRs only).

Each connection with a remote address (``psutil.net_connections``) is looked up in the
signatures' C2 set; a hit is a ``c2`` detection at ``tcp:<local>-><remote>`` naming the process
when the system tells us. IPv4-mapped IPv6 addresses are matched as IPv4.

Out of scope, by design: C2 *domain* IOCs are not checked here. A connection carries only an
address; resolving every C2 name (or reverse-resolving every peer) would send DNS queries for
malware domains from the user's machine and still miss fast-flux hosts. Domain IOCs are for
the file and filename checks and for resolvers (RPZ) instead.

On systems where listing all connections needs privileges (macOS, some hardened Linux), the
answer is one ``Unscanned`` (permission-denied) for ``connections`` rather than a silent pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import psutil

from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.system import ScanResult

if TYPE_CHECKING:
    from cleannet.scanner.signatures import C2Set, SignatureSet

__all__ = ["Connection", "iter_connections", "scan_connections"]

_KIND_NAMES = {1: "tcp", 2: "udp"}  # socket.SOCK_STREAM, socket.SOCK_DGRAM


@dataclass(frozen=True, slots=True)
class Connection:
    """One socket with a remote end."""

    protocol: str  # tcp | udp
    local_ip: str
    local_port: int
    remote_ip: str
    remote_port: int
    pid: int | None
    status: str = ""

    @property
    def where(self) -> str:
        local = _endpoint(self.local_ip, self.local_port)
        return f"{self.protocol}:{local}->{_endpoint(self.remote_ip, self.remote_port)}"


def _endpoint(ip: str, port: int) -> str:
    return f"[{ip}]:{port}" if ":" in ip else f"{ip}:{port}"


def iter_connections() -> Iterator[Connection]:
    """Every inet socket with a remote address; raises ``psutil.AccessDenied`` if not allowed."""
    for conn in psutil.net_connections(kind="inet"):
        if not conn.raddr:
            continue  # listening or unconnected: nobody on the other end
        yield Connection(
            protocol=_KIND_NAMES.get(int(conn.type), "ip"),
            local_ip=conn.laddr.ip if conn.laddr else "",
            local_port=conn.laddr.port if conn.laddr else 0,
            remote_ip=conn.raddr.ip,
            remote_port=conn.raddr.port,
            pid=conn.pid,
            status=conn.status or "",
        )


def _process_name(pid: int | None) -> str:
    if pid is None:
        return "process unknown (not ours to see)"
    try:
        return f"pid {pid} ({psutil.Process(pid).name()})"
    except psutil.Error:
        return f"pid {pid}"


def _detection(conn: Connection, name: str, score: int) -> Detection:
    return Detection(
        path=conn.where,
        detection=name,
        kind=DetectionKind.C2,
        score=score,
        description=(
            f"{_process_name(conn.pid)} is connected to C2 address {conn.remote_ip}"
            + (f" ({conn.status})" if conn.status and conn.status != "NONE" else "")
        ),
    )


def match_connections(c2: C2Set, connections: Iterable[Connection]) -> list[Detection]:
    """The C2 detections among ``connections``; each (remote address, pid) once."""
    seen: set[tuple[str, int, int | None]] = set()
    detections = []
    for conn in connections:
        hit = c2.match_ip(conn.remote_ip)
        key = (conn.remote_ip, conn.remote_port, conn.pid)
        if hit is not None and key not in seen:
            seen.add(key)
            detections.append(_detection(conn, *hit))
    return detections


def scan_connections(
    sigs: SignatureSet, *, connections: Iterable[Connection] | None = None
) -> ScanResult:
    """Check the live connections (or ``connections``) against the C2 addresses."""
    if connections is None:
        try:
            connections = list(iter_connections())
        except psutil.AccessDenied as exc:
            detail = f"listing connections needs more privileges here ({exc})"
            return [], [Unscanned("connections", UnscannedReason.PERMISSION_DENIED, detail)]
    return match_connections(sigs.c2, connections), []
