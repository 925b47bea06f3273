"""SMTP: read the greeting, say EHLO with the scanner's name, see whether STARTTLS is offered.

No mail is sent: the probe says QUIT after EHLO.
"""

from __future__ import annotations

import re

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    banner_text,
    finding,
    open_connection,
    probe_context,
    read_reply,
)

__all__ = ["SmtpProbe", "ehlo_extensions", "parse_smtp_product"]

_PRODUCTS = re.compile(
    r"(?P<product>Postfix|Exim|Sendmail|Microsoft ESMTP MAIL Service|OpenSMTPD|qmail|"
    r"MDaemon|hMailServer|Zimbra|Haraka)[ /]*(?P<version>\d[\w.\-]*)?",
    re.IGNORECASE,
)


def parse_smtp_product(greeting: str) -> tuple[str, str]:
    """Return (product, version) named in an SMTP greeting, empty strings when none is."""
    match = _PRODUCTS.search(greeting)
    return (match["product"], match["version"] or "") if match else ("", "")


def ehlo_extensions(reply: bytes) -> list[str]:
    """Return the upper-cased extension keywords of a ``250`` EHLO reply (first line skipped)."""
    lines = reply.decode("ascii", errors="replace").splitlines()
    keywords = [line[4:].split(" ", 1)[0].upper() for line in lines[1:] if line[:3] == "250"]
    return [word for word in keywords if word]


class SmtpProbe:
    """Reports ``smtp`` (STARTTLS offered) or ``smtp-no-starttls`` with the greeting."""

    name = "smtp"
    report_type = "scan_smtp"
    default_ports: tuple[int, ...] = (25, 587)
    transport = "tcp"

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return one finding when the service greets like SMTP (``220``), else none."""
        try:
            async with open_connection(target, timeout) as conn:
                greeting = await read_reply(conn.reader, timeout)
                if not greeting.startswith(b"220"):
                    return []
                ehlo = f"EHLO {probe_context().ehlo_name}\r\n".encode("ascii")
                conn.writer.write(ehlo)
                await conn.writer.drain()
                reply = await read_reply(conn.reader, timeout)
                conn.writer.write(b"QUIT\r\n")
        except (OSError, TimeoutError):
            return []
        text = banner_text(greeting)
        product, version = parse_smtp_product(text)
        extensions = ehlo_extensions(reply) if reply.startswith(b"250") else []
        starttls = "STARTTLS" in extensions
        return [
            finding(
                self,
                target,
                tag="smtp" if starttls else "smtp-no-starttls",
                severity="info" if starttls else "medium",
                product=product,
                version=version,
                banner=text,
                details={
                    "starttls": starttls,
                    "ehlo": reply.startswith(b"250"),
                    "extensions": " ".join(extensions),
                },
            )
        ]
