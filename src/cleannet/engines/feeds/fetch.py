"""Download a feed over HTTP(S) without letting a feed URL reach inside our network.

What ``fetch`` promises (standard library only):

* http and https only, at every hop; at most ``MAX_REDIRECTS`` redirects, never from
  https down to http.
* The host is resolved once per hop and every address is checked; private, loopback,
  link-local, shared (CGNAT), documentation, benchmarking, multicast and reserved
  addresses are refused unless allowed. The connection goes to an address that was
  checked, never to a second resolution of the name, so a DNS answer that changes
  between the check and the connection (DNS rebinding) cannot reach a private host.
  TLS still verifies the certificate against the host name.
* Conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from the previous download;
  a 304 answer returns ``not_modified`` and writes nothing.
* ``timeout`` bounds the connection and every read; a body larger than ``max_bytes``
  (announced by ``Content-Length`` or counted once decoded) is abandoned; gzip
  ``Content-Encoding`` is decoded as it streams.
* The body goes to a temporary file in ``dest_dir``, renamed into place once complete,
  so a reader never sees half a download.

Every failure raises ``FetchError(url, reason)``.
"""

from __future__ import annotations

import http.client
import ipaddress
import os
import re
import socket
import ssl
import tempfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from cleannet.core.errors import CleanNetError, InvalidValue
from cleannet.core.indicators import ip_flags

__all__ = [
    "MAX_REDIRECTS",
    "FetchError",
    "FetchResult",
    "Resolver",
    "address_refusal",
    "fetch",
    "resolve_host",
]

MAX_REDIRECTS = 3
USER_AGENT = "CleanNet-feed-fetcher/0.1"
_CHUNK = 64 * 1024
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")

Resolver = Callable[[str, int], list[str]]
"""Return the addresses of a host name (tests may pass their own)."""


class FetchError(CleanNetError):
    """A download failed or was refused; ``url`` is the one asked for, ``reason`` says why."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


@dataclass(frozen=True)
class FetchResult:
    """What a download gave: the saved file (None when not modified) and its validators.

    ``etag`` and ``last_modified`` are the values to send next time ("" when the
    server gave none); ``bytes`` is the size written (decoded).
    """

    path: Path | None
    not_modified: bool
    etag: str
    last_modified: str
    status: int
    bytes: int


def resolve_host(host: str, port: int) -> list[str]:
    """Return the addresses ``host`` resolves to, in the resolver's order, without repeats.

    Raises ``OSError`` (``socket.gaierror``) when the name does not resolve.
    """
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in found))


def address_refusal(
    address: str, allow_private: bool = False, allowed_networks: Sequence[str] = ()
) -> str:
    """Return why CleanNet must not connect to ``address``, or "" when it may.

    Public unicast addresses are allowed; any other only with ``allow_private`` or when
    inside one of ``allowed_networks`` (CIDR text, e.g. an internal MISP's /32).
    """
    try:
        flags = ip_flags(address)
    except InvalidValue:
        return f"{address} is not an address CleanNet can check"
    if "global" in flags or allow_private:
        return ""
    parsed = ipaddress.ip_address(address)
    if any(parsed in ipaddress.ip_network(net, strict=False) for net in allowed_networks):
        return ""
    return f"{address} is {', '.join(sorted(flags)).replace('_', '-')}"


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to addresses checked beforehand, whatever the name resolves to."""

    def __init__(
        self,
        host: str,
        port: int,
        addresses: Sequence[str],
        timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addresses, self._tls = tuple(addresses), tls

    def connect(self) -> None:
        failure: OSError | None = None
        for address in self._addresses:  # like socket.create_connection: the first that answers
            try:
                sock = socket.create_connection((address, self.port), self.timeout)
            except OSError as exc:
                failure = exc
                continue
            if self._tls is not None:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            self.sock = sock
            return
        raise failure or OSError("no address to connect to")


@dataclass(frozen=True)
class _Hop:
    url: str
    https: bool
    host: str
    port: int
    target: str  # path and query, as sent in the request line


def _parse_hop(url: str, asked: str) -> _Hop:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(asked, f"{url!r} is not an http or https URL")
    if not parts.hostname:
        raise FetchError(asked, f"{url!r} has no host")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise FetchError(asked, f"{url!r} has a bad port") from None
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Hop(url, parts.scheme == "https", parts.hostname, port, target)


@dataclass(frozen=True)
class _Policy:
    timeout: float
    max_bytes: int
    allow_private: bool
    allowed_networks: Sequence[str]
    resolve: Resolver


def _checked_addresses(hop: _Hop, asked: str, policy: _Policy) -> list[str]:
    """Return the addresses of ``hop.host`` we may connect to; raise if there are none."""
    try:
        addresses = policy.resolve(hop.host, hop.port)
    except OSError as exc:
        raise FetchError(asked, f"cannot resolve {hop.host}: {exc}") from None
    refusals = [
        address_refusal(a, policy.allow_private, policy.allowed_networks) for a in addresses
    ]
    allowed = [a for a, refusal in zip(addresses, refusals, strict=True) if not refusal]
    if not allowed:
        why = "; ".join(refusals) or "no address"
        raise FetchError(asked, f"refused to connect to {hop.host}: {why} (not a public address)")
    return allowed


def _request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "gzip", "Connection": "close"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _decoded(response: http.client.HTTPResponse, url: str) -> Iterator[bytes]:
    """Yield the body in chunks, gunzipped when the server says so, each at most _CHUNK."""
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("identity", "gzip", "x-gzip"):
        raise FetchError(url, f"sent Content-Encoding {encoding!r}, which was not asked for")
    gzipped = encoding != "identity"
    decoder = zlib.decompressobj(wbits=zlib.MAX_WBITS | 16)
    while chunk := response.read(_CHUNK):
        if not gzipped:
            yield chunk
            continue
        # Bounded output per call, so a gzip bomb cannot fill memory before the size check.
        yield decoder.decompress(chunk, _CHUNK)
        while decoder.unconsumed_tail:
            yield decoder.decompress(decoder.unconsumed_tail, _CHUNK)
    if gzipped:
        yield decoder.flush()


def _check_announced_size(response: http.client.HTTPResponse, url: str, max_bytes: int) -> None:
    announced = (response.getheader("Content-Length") or "").strip()
    if announced.isdigit() and int(announced) > max_bytes:
        raise FetchError(url, f"announces {announced} bytes, over the limit of {max_bytes}")


def _save_body(response: http.client.HTTPResponse, url: str, dest: Path, max_bytes: int) -> int:
    """Write the body to ``dest`` through a temporary file; return the bytes written."""
    _check_announced_size(response, url, max_bytes)
    dest.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    written = 0
    try:
        with os.fdopen(handle, "wb") as out:
            for data in _decoded(response, url):
                written += len(data)
                if written > max_bytes:
                    raise FetchError(url, f"is larger than the limit of {max_bytes} bytes")
                out.write(data)
        os.replace(temporary, dest)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return written


def _file_name(url: str) -> str:
    """Return a safe local name from the URL's last path segment ("download" if none)."""
    segments = [s for s in urlsplit(url).path.split("/") if s]
    name = _SAFE_NAME.sub("_", segments[-1]) if segments else ""
    return name.strip("._") or "download"


def _open(
    hop: _Hop, addresses: list[str], headers: dict[str, str], timeout: float
) -> tuple[_PinnedConnection, http.client.HTTPResponse]:
    tls = ssl.create_default_context() if hop.https else None
    connection = _PinnedConnection(hop.host, hop.port, addresses, timeout, tls)
    try:
        connection.request("GET", hop.target, headers=headers)
        return connection, connection.getresponse()
    except BaseException:
        connection.close()
        raise


def _redirect_target(hop: _Hop, response: http.client.HTTPResponse, asked: str) -> str:
    """Return where a redirect points; refuse none at all, or a step down from https."""
    location = (response.getheader("Location") or "").strip()
    if not location:
        raise FetchError(asked, f"answered {response.status} without a Location")
    target = urljoin(hop.url, location)
    if hop.https and urlsplit(target).scheme == "http":
        raise FetchError(asked, f"redirected from https to plain http ({target})")
    return target


def _follow(asked: str, dest_dir: Path, headers: dict[str, str], policy: _Policy) -> FetchResult:
    url = asked
    for _ in range(MAX_REDIRECTS + 1):
        hop = _parse_hop(url, asked)
        connection, response = _open(
            hop, _checked_addresses(hop, asked, policy), headers, policy.timeout
        )
        try:
            status = response.status
            if status in _REDIRECTS:
                url = _redirect_target(hop, response, asked)
                continue
            etag = response.getheader("ETag") or headers.get("If-None-Match", "")
            modified = response.getheader("Last-Modified") or headers.get("If-Modified-Since", "")
            if status == 304:
                return FetchResult(None, True, etag, modified, status, 0)
            if status != 200:
                raise FetchError(asked, f"answered HTTP {status} {response.reason}".rstrip())
            dest = dest_dir / _file_name(url)
            size = _save_body(response, asked, dest, policy.max_bytes)
            return FetchResult(dest, False, etag, modified, status, size)
        finally:
            connection.close()
    raise FetchError(asked, f"redirected more than {MAX_REDIRECTS} times")


def fetch(
    url: str,
    dest_dir: Path,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float,
    max_bytes: int,
    allow_private: bool = False,
    allowed_networks: Sequence[str] = (),
    resolve: Resolver = resolve_host,
) -> FetchResult:
    """Download ``url`` into ``dest_dir`` (named after its last path segment); return the result.

    ``etag``/``last_modified`` are the validators of the previous download. Raises
    ``FetchError`` for a URL that is not http(s), a host that resolves only to refused
    addresses (see ``address_refusal``), too many redirects, a status other than 200,
    301–308 or 304, a body over ``max_bytes``, a timeout, or a connection or TLS error.
    """
    policy = _Policy(timeout, max_bytes, allow_private, tuple(allowed_networks), resolve)
    headers = _request_headers(etag, last_modified)
    try:
        return _follow(url, dest_dir, headers, policy)
    except TimeoutError:
        raise FetchError(url, f"timed out (no answer within {timeout} s)") from None
    except zlib.error as exc:
        raise FetchError(url, f"sent a body that is not valid gzip: {exc}") from None
    except (OSError, http.client.HTTPException) as exc:
        raise FetchError(url, f"failed: {exc.__class__.__name__}: {exc}") from None
