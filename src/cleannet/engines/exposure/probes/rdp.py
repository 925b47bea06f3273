"""RDP: send an X.224 Connection Request and read the Connection Confirm ([MS-RDPBCGR] 2.2.1).

The request asks for TLS or CredSSP; the confirm's negotiation response says which protocol the
server chose (``0`` plain RDP security is the weak one), or a failure code.
"""

from __future__ import annotations

import asyncio

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import finding, open_connection, read_exactly

__all__ = ["CONNECTION_REQUEST", "RdpConfirm", "RdpProbe", "parse_connection_confirm"]

# TPKT (v3, length 19) · X.224 CR (LI 14, code 0xE0, refs 0, class 0) · RDP_NEG_REQ (type 1,
# flags 0, length 8, requestedProtocols = PROTOCOL_SSL | PROTOCOL_HYBRID).
CONNECTION_REQUEST = bytes.fromhex("030000130ee000000000000100080003000000")
_PROTOCOLS = {0: "rdp", 1: "ssl", 2: "hybrid", 4: "rdstls", 8: "hybrid_ex"}


class RdpConfirm:
    """A parsed Connection Confirm: the chosen protocol, or the negotiation failure code."""

    __slots__ = ("failure", "protocol")

    def __init__(self, protocol: str, failure: int = 0) -> None:
        self.protocol = protocol
        self.failure = failure


def parse_connection_confirm(data: bytes) -> RdpConfirm | None:
    """Return the confirm in ``data`` (TPKT + X.224 CC), or ``None`` when it is not one."""
    if len(data) < 11 or data[0] != 3 or data[1] != 0 or data[5] & 0xF0 != 0xD0:
        return None
    if len(data) < 19:
        return RdpConfirm("rdp")  # an old server that ignores negotiation
    kind = data[11]
    value = int.from_bytes(data[15:19], "little")
    if kind == 2:
        return RdpConfirm(_PROTOCOLS.get(value, str(value)))
    if kind == 3:
        return RdpConfirm("", failure=value)
    return None


class RdpProbe:
    """Reports ``accessible-rdp``; ``rdp-no-nla`` when the server chose plain RDP security."""

    name = "rdp"
    report_type = "scan_rdp"
    default_ports: tuple[int, ...] = (3389,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service answers the request with a Connection Confirm."""
        try:
            async with open_connection(target, timeout) as conn:
                conn.writer.write(CONNECTION_REQUEST)
                await conn.writer.drain()
                data = await _read_tpkt(conn.reader, timeout)
        except (OSError, TimeoutError):
            return []
        confirm = parse_connection_confirm(data)
        if confirm is None:
            return []
        weak = confirm.protocol == "rdp"
        return [
            finding(
                self,
                target,
                tag="rdp-no-nla" if weak else "accessible-rdp",
                severity="high" if weak else "medium",
                product="RDP",
                details={"selected_protocol": confirm.protocol, "failure_code": confirm.failure},
            )
        ]


async def _read_tpkt(reader: asyncio.StreamReader, timeout: float) -> bytes:
    """Read one TPKT packet (its length is in bytes 2-3), at most 64 bytes for a confirm."""
    head = await read_exactly(reader, 4, timeout)
    if len(head) < 4 or head[0] != 3:
        return head
    wanted = min(int.from_bytes(head[2:4], "big"), 64)
    return head + await read_exactly(reader, max(wanted - 4, 0), timeout)
