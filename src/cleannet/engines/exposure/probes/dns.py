"""DNS over UDP: is the server an open resolver?

One query with recursion desired for a name under a zone the operator chooses (by default the
zone itself; with ``per_target_label`` a label naming the target, so the zone's authoritative
logs show which address recursed). Recursion available and an answer back: ``open-resolver``
(high) — the server resolves for anyone and can be used to amplify attacks. Recursion refused
or no answer: ``dns`` (info). A reply that does not parse or does not match the query is an
``unexpected-response``. Also holds ``udp_exchange``, the one bounded UDP round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress

import dns.exception
import dns.flags
import dns.message
import dns.rcode
import dns.rdatatype

from cleannet.engines.exposure.model import DetailValue, Finding, Target
from cleannet.engines.exposure.probes.base import banner_text, finding

__all__ = ["DEFAULT_ZONE", "DnsProbe", "query_name", "udp_exchange"]

DEFAULT_ZONE = "example.com"  # RFC 2606: reserved for this kind of use, always resolvable
UDP_CAP = 4096


class _OneReply(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.reply: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        if not self.reply.done():
            self.reply.set_result(data[:UDP_CAP])

    def error_received(self, exc: Exception) -> None:
        if not self.reply.done():
            self.reply.set_result(b"")  # ICMP port unreachable: nobody listens


async def udp_exchange(target: Target, payload: bytes, timeout: float) -> bytes:
    """Send one datagram to ``target`` and return the first reply (cut to ``UDP_CAP``), or
    ``b""`` on timeout or refusal; raises ``OSError`` only when no socket can be opened."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        _OneReply, remote_addr=(target.ip, target.port)
    )
    try:
        transport.sendto(payload)
        with contextlib.suppress(TimeoutError):
            return await asyncio.wait_for(asyncio.shield(protocol.reply), timeout)
        return b""
    finally:
        transport.close()


def query_name(zone: str, target: Target, per_target_label: bool) -> str:
    """The name asked for: ``zone``, or ``<ip with dashes>.<zone>`` with ``per_target_label``."""
    if not per_target_label:
        return zone
    label = ipaddress.ip_address(target.ip).exploded.replace(".", "-").replace(":", "-")
    return f"{label}.{zone}"


class DnsProbe:
    """Reports ``open-resolver``, ``dns`` or ``unexpected-response`` (UDP)."""

    name = "dns"
    report_type = "scan_dns"
    default_ports: tuple[int, ...] = (53,)
    transport = "udp"

    def __init__(self, zone: str = DEFAULT_ZONE, *, per_target_label: bool = False) -> None:
        self.zone = zone.rstrip(".")
        self.per_target_label = per_target_label

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the server answered, none when it stayed silent."""
        name = query_name(self.zone, target, self.per_target_label)
        query = dns.message.make_query(name, dns.rdatatype.A)  # RD is set by default
        try:
            data = await udp_exchange(target, query.to_wire(), timeout)
        except OSError:
            return []
        if not data:
            return []
        try:
            response = dns.message.from_wire(data)
        except dns.exception.DNSException:
            response = None
        if response is None or not query.is_response(response):
            return [finding(self, target, tag="unexpected-response", banner=banner_text(data, 128))]
        return [self._finding(target, name, response)]

    def _finding(self, target: Target, name: str, response: dns.message.Message) -> Finding:
        recursion = bool(response.flags & dns.flags.RA)
        answers = sum(len(rrset) for rrset in response.answer)
        rcode = dns.rcode.to_text(response.rcode())
        details: dict[str, DetailValue] = {
            "query": name,
            "recursion_available": recursion,
            "rcode": rcode,
            "answers": answers,
        }
        if recursion and rcode == "NOERROR" and answers:
            return finding(self, target, tag="open-resolver", severity="high", details=details)
        return finding(self, target, tag="dns", details=details)
