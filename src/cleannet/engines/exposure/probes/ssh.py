"""SSH: read the server's identification string and name its software.

``SSH-2.0-OpenSSH_9.2p1 Debian-2`` gives product ``OpenSSH`` and version ``9.2p1``. A server
that still offers protocol 1 (``SSH-1.5``, ``SSH-1.99``) is reported as weak.
"""

from __future__ import annotations

import re

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_until,
)

__all__ = ["SshProbe", "parse_ssh_banner"]

_IDENT = re.compile(
    rb"SSH-(?P<proto>\d+\.\d+)-(?P<software>[^\s\r\n]+)(?:[ \t]+(?P<comment>[^\r\n]*))?"
)
_SOFTWARE = re.compile(r"(?P<product>[A-Za-z][A-Za-z.\-]*?)[_\-/](?P<version>\d[\w.\-]*)")


def parse_ssh_banner(data: bytes) -> tuple[str, str, str, str] | None:
    """Return (protocol, product, version, comment) from an SSH identification, or ``None``.

    Servers may send other lines before the identification (RFC 4253 §4.2); they are skipped.
    """
    match = _IDENT.search(data)
    if match is None:
        return None
    software = match.group("software").decode("ascii", errors="replace")
    comment = (match.group("comment") or b"").decode("utf-8", errors="replace").strip()
    parts = _SOFTWARE.match(software)
    product, version = (parts["product"], parts["version"]) if parts else (software, "")
    return match.group("proto").decode("ascii"), product, version, comment


class SshProbe:
    """Reads the SSH identification; reports ``ssh`` (or ``ssh-v1`` when protocol 1 is offered)."""

    name = "ssh"
    report_type = "scan_ssh"
    default_ports: tuple[int, ...] = (22, 2222)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service identifies as SSH, else none."""
        try:
            async with open_connection(target, timeout) as conn:
                data = await read_until(conn.reader, b"\n", timeout)
        except (OSError, TimeoutError):
            return []
        parsed = parse_ssh_banner(data)
        if parsed is None:
            return []
        proto, product, version, comment = parsed
        weak = proto.startswith("1.")
        return [
            finding(
                self,
                target,
                tag="ssh-v1" if weak else "ssh",
                severity="medium" if weak else "info",
                product=product,
                version=version,
                banner=banner_text(data),
                details={"protocol": proto, "comment": comment},
            )
        ]
