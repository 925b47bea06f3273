"""HTTP and HTTPS: one GET /, the status, ``Server``, ``<title>`` and where a redirect points
(never followed); over TLS also the certificate and the old protocol versions the server accepts.

The body is read up to ``BODY_CAP`` bytes only. The request carries the scanner's User-Agent
(``probe_context()``), so a site owner who sees it in the logs can find out who scanned.
"""

from __future__ import annotations

import asyncio
import functools
import html
import re
import ssl
import warnings
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.x509.oid import NameOID

from cleannet.engines.exposure.model import Finding, Target
from cleannet.engines.exposure.probes.base import (
    finding,
    open_connection,
    probe_context,
    read_until,
)

__all__ = [
    "BODY_CAP",
    "HttpProbe",
    "HttpResponse",
    "HttpsProbe",
    "accepts_protocol",
    "parse_http_response",
    "scanning_context",
]

BODY_CAP = 64 * 1024
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_SERVER = re.compile(r"(?P<product>[^/\s]+)(?:/(?P<version>[^\s(]+))?")


class HttpResponse:
    """The parts of an HTTP response head (and capped body) the exposure report keeps."""

    __slots__ = ("headers", "reason", "status", "title")

    def __init__(self, status: int, reason: str, headers: dict[str, str], title: str) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.title = title


def parse_http_response(data: bytes) -> HttpResponse | None:
    """Parse a (possibly cut) response; ``None`` when it does not start with ``HTTP/x.y NNN``."""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    match = re.match(r"HTTP/\d(?:\.\d)? (\d{3})(?: (.*))?$", lines[0])
    if match is None:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if sep:
            headers.setdefault(name.strip().lower(), value.strip()[:512])
    title_match = _TITLE.search(body)
    title = ""
    if title_match:
        raw = title_match.group(1)[:1024].decode("utf-8", errors="replace")
        title = " ".join(html.unescape(raw).split())[:256]
    return HttpResponse(int(match[1]), match[2] or "", headers, title)


def _request(target: Target) -> bytes:
    host = target.hostname or (f"[{target.ip}]" if ":" in target.ip else target.ip)
    return (
        f"GET / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {probe_context().user_agent}\r\n"
        "Accept: */*\r\nConnection: close\r\n\r\n"
    ).encode("ascii", errors="replace")


async def fetch_root(
    target: Target, timeout: float, tls: ssl.SSLContext | None
) -> tuple[HttpResponse | None, ssl.SSLObject | None, bytes]:
    """GET / on ``target``; return the parsed response, the TLS object (if any) and raw bytes."""
    async with open_connection(target, timeout, tls) as conn:
        conn.writer.write(_request(target))
        await conn.writer.drain()
        tls_object = conn.writer.get_extra_info("ssl_object")
        data = await read_until(conn.reader, b"</title", timeout, cap=BODY_CAP)
    return parse_http_response(data), tls_object, data


def http_finding(probe: HttpProbe, target: Target, response: HttpResponse) -> Finding:
    """The ``scan_http`` finding for one response."""
    server = response.headers.get("server", "")
    parts = _SERVER.match(server)
    details: dict[str, str | int | bool] = {
        "status": response.status,
        "title": response.title,
        "tls": probe.tls,
    }
    if "location" in response.headers:
        details["location"] = response.headers["location"]
    return finding(
        probe,
        target,
        tag="https" if probe.tls else "http",
        product=parts["product"] if parts else "",
        version=(parts["version"] or "") if parts else "",
        banner=f"{response.status} {response.reason}".strip(),
        details=details,
        report_type="scan_http",
    )


class HttpProbe:
    """Plain HTTP: one ``scan_http`` finding per service that answers like HTTP."""

    name = "http"
    report_type = "scan_http"
    default_ports: tuple[int, ...] = (80, 8080, 8000, 8008, 8888)
    transport = "tcp"
    tls = False

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return the HTTP finding, or none when the service does not answer like HTTP."""
        try:
            response, _, _ = await fetch_root(target, timeout, None)
        except (OSError, TimeoutError, ssl.SSLError):
            return []
        return [http_finding(self, target, response)] if response else []


class HttpsProbe(HttpProbe):
    """HTTPS: the HTTP finding plus ``scan_ssl`` findings on the certificate and protocols."""

    name = "https"
    report_type = "scan_ssl"
    default_ports: tuple[int, ...] = (443, 8443, 4443, 9443)
    tls = True

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """Return certificate and protocol findings, then the HTTP one; none if TLS fails."""
        try:
            response, tls_object, _ = await fetch_root(target, timeout, scanning_context())
        except (OSError, TimeoutError, ssl.SSLError):
            return []
        if tls_object is None:
            return []
        findings = certificate_findings(self, target, tls_object)
        findings += await weak_protocol_findings(self, target, timeout)
        if response is not None:
            findings.append(http_finding(self, target, response))
        return findings


# --- TLS -------------------------------------------------------------------------------------

_WEAK_VERSIONS = ((ssl.TLSVersion.TLSv1, "ssl-tls10"), (ssl.TLSVersion.TLSv1_1, "ssl-tls11"))


@functools.cache
def scanning_context(
    minimum: ssl.TLSVersion = ssl.TLSVersion.MINIMUM_SUPPORTED,
    maximum: ssl.TLSVersion = ssl.TLSVersion.MAXIMUM_SUPPORTED,
) -> ssl.SSLContext:
    """A client context that verifies nothing (we report on certificates, we do not trust them)
    and, at OpenSSL security level 0, still speaks TLS 1.0 and 1.1 so they can be detected."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLS 1.0/1.1 are deprecated: the point
        context.set_ciphers("ALL:@SECLEVEL=0")
        context.minimum_version = minimum
        context.maximum_version = maximum
    return context


async def accepts_protocol(target: Target, version: ssl.TLSVersion, timeout: float) -> bool:
    """Whether the server completes a handshake offering only ``version``."""
    try:
        async with open_connection(target, timeout, scanning_context(version, version)):
            return True
    except (OSError, TimeoutError, ssl.SSLError):
        return False


async def weak_protocol_findings(
    probe: HttpsProbe, target: Target, timeout: float
) -> list[Finding]:
    """``ssl-tls10`` / ``ssl-tls11`` findings for each old version the server still accepts."""
    accepted = await asyncio.gather(
        *(accepts_protocol(target, version, timeout) for version, _ in _WEAK_VERSIONS)
    )
    return [
        finding(probe, target, tag=tag, severity="medium", details={"protocol": version.name})
        for (version, tag), yes in zip(_WEAK_VERSIONS, accepted, strict=True)
        if yes
    ]


def _name(name: x509.Name) -> str:
    common = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(common[0].value) if common else name.rfc4514_string()


def _self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True


def certificate_findings(
    probe: HttpsProbe, target: Target, tls_object: ssl.SSLObject, now: datetime | None = None
) -> list[Finding]:
    """The ``ssl`` finding (subject, issuer, validity, protocol) and ``ssl-expired``,
    ``ssl-not-yet-valid``, ``ssl-self-signed`` when they apply."""
    der = tls_object.getpeercert(binary_form=True)
    cipher = tls_object.cipher()
    base: dict[str, str | int | bool] = {
        "protocol": tls_object.version() or "",
        "cipher": cipher[0] if cipher else "",
    }
    if not der:
        return [finding(probe, target, tag="ssl", details=base)]
    cert = x509.load_der_x509_certificate(der)
    now = now or datetime.now(UTC)
    not_after, not_before = cert.not_valid_after_utc, cert.not_valid_before_utc
    details = base | {
        "subject": _name(cert.subject),
        "issuer": _name(cert.issuer),
        "not_before": not_before.isoformat(),
        "not_after": not_after.isoformat(),
        "serial": format(cert.serial_number, "x"),
    }
    findings = [finding(probe, target, tag="ssl", details=details)]
    if not_after < now:
        findings.append(
            finding(probe, target, tag="ssl-expired", severity="medium", details=details)
        )
    if not_before > now:
        findings.append(
            finding(probe, target, tag="ssl-not-yet-valid", severity="low", details=details)
        )
    if _self_signed(cert):
        findings.append(
            finding(probe, target, tag="ssl-self-signed", severity="low", details=details)
        )
    return findings
