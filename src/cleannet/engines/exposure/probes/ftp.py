"""FTP: read the greeting (``220 ...``) and ask whether TLS is offered (``AUTH TLS``).

No login is tried: an exposure scan looks, it does not sign in.
"""

from __future__ import annotations

import re

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    read_reply,
    read_until,
)

__all__ = ["FtpProbe", "parse_ftp_product"]

_PRODUCTS = re.compile(
    r"(?P<product>vsFTPd|ProFTPD|Pure-FTPd|FileZilla Server|Microsoft FTP Service|Serv-U|"
    r"wu-ftpd|Gene6|MikroTik|WS_FTP)[ /_v]*(?P<version>\d[\w.\-]*)?",
    re.IGNORECASE,
)


def parse_ftp_product(greeting: str) -> tuple[str, str]:
    """Return (product, version) named in an FTP greeting, empty strings when none is."""
    match = _PRODUCTS.search(greeting)
    if match is None:
        return "", ""
    return match["product"], match["version"] or ""


class FtpProbe:
    """Reports ``ftp`` with the greeting, and whether ``AUTH TLS`` is accepted."""

    name = "ftp"
    report_type = "scan_ftp"
    default_ports: tuple[int, ...] = (21,)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service greets like FTP (``220``), else none."""
        try:
            async with open_connection(target, timeout) as conn:
                greeting = await read_reply(conn.reader, timeout)
                if not greeting.startswith(b"220"):
                    return []
                conn.writer.write(b"AUTH TLS\r\n")
                await conn.writer.drain()
                answer = await read_until(conn.reader, b"\n", timeout, cap=512)
                conn.writer.write(b"QUIT\r\n")
        except (OSError, TimeoutError):
            return []
        text = banner_text(greeting)
        product, version = parse_ftp_product(text)
        tls = answer.startswith(b"234")
        return [
            finding(
                self,
                target,
                tag="ftp" if tls else "ftp-no-tls",
                severity="low" if tls else "medium",
                product=product,
                version=version,
                banner=text,
                details={"auth_tls": tls},
            )
        ]
