"""URL indicators in the canonical form of Google Safe Browsing (v4), and its lookup expressions.

The canonical form is the one Safe Browsing hashes, so it is meant for matching, not for
visiting: the fragment, the user information and the port are gone, the scheme defaults to
``http``. The steps (docs: developers.google.com/safe-browsing/v4/urls-hashing):

1. ``str`` input is taken as UTF-8 bytes; TAB, CR and LF are removed, then the fragment, then
   surrounding whitespace.
2. The URL is percent-unescaped until nothing changes (``%2525`` -> ``%``), then every byte
   <= 0x20 or >= 0x7F, ``#`` and ``%`` is escaped once, with upper-case hex.
3. Host: user information and port (anything after a colon) dropped, an IDN converted to
   A-labels, runs of dots collapsed and end dots removed, an IPv4 address in any legal form
   written as dotted decimal, lower case. An IPv6 address, bracketed or (as some feeds write
   it) not, is written ``[…]`` in RFC 5952 form, its zone index dropped.
4. Path: ``/./``, ``/../`` and runs of ``/`` resolved, never in the query, which is kept.

Where Google's Go client differs from the published page, the page wins: the query is kept
(``http://a.com/q?r?`` stays so) and escapes use upper-case hex (``%1B``, not ``%1b``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import idna

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.ip import normalise_ipv6, parse_ipv4_loose

__all__ = ["canonicalise_url", "lookup_expressions", "url_host"]

_ESCAPED = re.compile(rb"%([0-9A-Fa-f]{2})")
_TO_ESCAPE = re.compile(rb"[\x00-\x20\x7f-\xff#%]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):(.*)", re.DOTALL)
_PORT_AFTER_COLON = re.compile(r"[0-9]+(?:/|$)")
_DOTS = re.compile(rb"\.{2,}")
_HOST_NAME = re.compile(r"[a-z0-9._-]+")
_DOTTED_QUAD = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
_WHITESPACE = b" \t\n\r\x0b\x0c"
_MAX_HOSTS = 5
_MAX_PATH_PREFIXES = 4


@dataclass(frozen=True, slots=True)
class _Parts:
    scheme: str
    host: str
    path: str
    query: str | None

    def text(self) -> str:
        query = "" if self.query is None else "?" + self.query
        return f"{self.scheme}://{self.host}{self.path}{query}"


def _unescape_fully(data: bytes) -> bytes:
    # Each pass that changes anything shortens the data, so the loop ends.
    while True:
        decoded = _ESCAPED.sub(lambda match: bytes([int(match[1], 16)]), data)
        if decoded == data:
            return data
        data = decoded


def _escape(data: bytes) -> str:
    return _TO_ESCAPE.sub(lambda match: b"%%%02X" % match[0][0], data).decode("ascii")


def _split_scheme(text: str) -> tuple[str | None, str]:
    match = _SCHEME.fullmatch(text)
    # 'www.example.com:8080/' has no scheme: what follows its first colon is a port.
    if match is None or _PORT_AFTER_COLON.match(match[2]):
        return None, text
    return match[1].lower(), match[2]


def _idna2008(host: str) -> str | None:
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        return None


def _idna2003(host: str) -> str | None:
    # Browsers still accept IDNA 2003 for hosts IDNA 2008 refuses, such as 'i❤.ws'.
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _idn_to_ascii(host: bytes) -> bytes:
    try:
        text = host.decode("utf-8")
    except UnicodeDecodeError:
        return host  # not UTF-8: kept as bytes, escaped later, as Google's client does
    if text.isascii():
        return host
    for convert in (_idna2008, _idna2003):
        converted = convert(text)
        # Only a result that is a host name is taken: mappings such as '＠' -> '@' must not
        # create a new user-info, port or path separator.
        if converted is not None and _HOST_NAME.fullmatch(converted.lower()):
            return converted.encode("ascii")
    return host


def _ipv6_host(host: str, raw: str | bytes) -> str:
    end = host.rfind("]")
    if end < 0:
        raise InvalidIndicator("url", raw, f"host {host!r} opens '[' but never closes it")
    literal = _unescape_fully(host[1:end].encode("ascii")).decode("ascii", "replace")
    try:
        # The zone index ('%25eth0') only means something on one machine: dropped.
        return f"[{normalise_ipv6(literal.split('%')[0])}]"
    except InvalidIndicator as error:
        raise InvalidIndicator("url", raw, f"host {host!r}: {error.reason}") from None


def _collapse_dots(host: bytes) -> bytes:
    return _DOTS.sub(b".", host).strip(b".")


def _bare_ipv6_host(host: str) -> str | None:
    if host.count(":") < 2:
        return None
    try:
        return f"[{normalise_ipv6(host)}]"
    except InvalidIndicator:
        return None


def _canonical_host(hostish: str, raw: str | bytes) -> str:
    host = hostish.rpartition("@")[2].strip(".")
    if host.startswith("["):
        return _ipv6_host(host, raw)
    # Feeds write IPv6 hosts without brackets; a browser would refuse, a feed means the address.
    bare_ipv6 = _bare_ipv6_host(host)
    if bare_ipv6 is not None:
        return bare_ipv6
    # Whatever follows a colon is a port (or garbage in its place): a host name has no colon.
    host = host.partition(":")[0]
    data = _collapse_dots(_unescape_fully(host.encode("ascii")))
    data = _collapse_dots(_idn_to_ascii(data))
    if not data:
        raise InvalidIndicator("url", raw, "has an empty host")
    address = parse_ipv4_loose(data.decode("ascii")) if data.isascii() else None
    return str(address) if address is not None else _escape(data.lower())


def _canonical_path(path: str) -> str:
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    clean = "/" + "/".join(segments)
    return clean + "/" if path.endswith("/") and clean != "/" else clean


def _prepared(raw: str | bytes) -> str:
    data = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
    for control in (b"\t", b"\r", b"\n"):
        data = data.replace(control, b"")
    data = data.partition(b"#")[0].strip(_WHITESPACE)
    return _escape(_unescape_fully(data))


def _parts(raw: str | bytes) -> _Parts:
    scheme, rest = _split_scheme(_prepared(raw))
    rest, question_mark, query = rest.partition("?")
    if scheme is not None and not rest.startswith("//"):
        raise InvalidIndicator("url", raw, f"has no '//' after the scheme {scheme!r}")
    hostish, slash, path = rest.removeprefix("//").partition("/")
    if not hostish:
        raise InvalidIndicator("url", raw, "has no host")
    return _Parts(
        scheme=scheme or "http",
        host=_canonical_host(hostish, raw),
        path=_canonical_path(slash + path),
        query=query if question_mark else None,
    )


def canonicalise_url(raw: str | bytes) -> str:
    """Return the Safe Browsing canonical form of ``raw`` (``scheme://host/path[?query]``).

    ``str`` input is read as UTF-8; ``bytes`` are taken as they are. A missing scheme means
    ``http``, a scheme-relative ``//host/`` too. Raises ``InvalidIndicator`` when there is no
    host (``/path``, ``http:///x``), a scheme without ``//`` (``mailto:``), or a bad IPv6 literal.
    """
    return _parts(raw).text()


def url_host(raw: str | bytes) -> str:
    """Return the canonical host of URL ``raw``: a domain, dotted-decimal IPv4, or IPv6 without
    brackets. Raises ``InvalidIndicator`` as ``canonicalise_url`` does.
    """
    return _parts(raw).host.removeprefix("[").removesuffix("]")


def _lookup_hosts(host: str) -> list[str]:
    if host.startswith("[") or _DOTTED_QUAD.fullmatch(host):
        return [host]
    labels = host.split(".")
    suffixes = (".".join(labels[-count:]) for count in range(min(_MAX_HOSTS, len(labels)), 1, -1))
    return [host, *(suffix for suffix in suffixes if suffix != host)]


def _lookup_paths(path: str, query: str | None) -> list[str]:
    paths = [f"{path}?{query}"] if query else []
    paths.append(path)
    segments = [segment for segment in path.split("/") if segment]
    for count in range(min(len(segments), _MAX_PATH_PREFIXES)):
        paths.append("/" + "".join(segment + "/" for segment in segments[:count]))
    return list(dict.fromkeys(paths))


def lookup_expressions(raw: str | bytes) -> list[str]:
    """Return the Safe Browsing v4 host-suffix × path-prefix expressions of URL ``raw``.

    Hosts: the exact host, then up to four suffixes from its last five labels (never the
    top-level label alone); an IP address only exactly. Paths: with the query (if not empty),
    without it, then up to four prefixes from ``/`` adding one segment at a time. At most 30
    expressions, without duplicates, host by host in that order. Raises as
    ``canonicalise_url`` does.
    """
    parts = _parts(raw)
    paths = _lookup_paths(parts.path, parts.query)
    expressions = (host + path for host in _lookup_hosts(parts.host) for path in paths)
    return list(dict.fromkeys(expressions))
