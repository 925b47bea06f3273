"""Telnet: read what the service sends first, dropping option negotiation (IAC sequences).

An open telnet service is itself the finding (Shadowserver's accessible telnet): credentials
would cross the network in clear.
"""

from __future__ import annotations

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_banner,
)

__all__ = ["TelnetProbe", "strip_telnet_commands"]

_IAC, _SB, _SE = 0xFF, 0xFA, 0xF0
_WILL_WONT_DO_DONT = range(0xFB, 0xFF)


def strip_telnet_commands(data: bytes) -> tuple[bytes, int]:
    """Return the text of a telnet stream without IAC commands, and how many were dropped."""
    out = bytearray()
    commands = i = 0
    while i < len(data):
        byte = data[i]
        if byte != _IAC or i + 1 >= len(data):
            out.append(byte)
            i += 1
            continue
        verb = data[i + 1]
        commands += verb != _IAC
        if verb == _IAC:
            out.append(_IAC)  # an escaped 0xFF data byte
            i += 2
        elif verb in _WILL_WONT_DO_DONT:
            i += 3
        elif verb == _SB:
            end = data.find(bytes((_IAC, _SE)), i + 2)
            i = len(data) if end < 0 else end + 2
        else:
            i += 2
    return bytes(out), commands


class TelnetProbe:
    """Reports ``telnet`` when the service negotiates telnet options or sends a prompt."""

    name = "telnet"
    report_type = "scan_telnet"
    default_ports: tuple[int, ...] = (23, 2323)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service sends telnet negotiation or any text first."""
        try:
            async with open_connection(target, timeout) as conn:
                data = await read_banner(conn.reader, timeout)
        except (OSError, TimeoutError):
            return []
        text, commands = strip_telnet_commands(data)
        if not commands and not text.strip():
            return []
        return [
            finding(
                self,
                target,
                tag="telnet",
                severity="medium",
                banner=banner_text(text),
                details={"negotiates": commands > 0},
            )
        ]
