"""Reading one scorer input: a host name, a ``*.`` certificate name, or a URL.

``parse_name(text)`` returns the normalised ASCII host (core ``normalise_domain`` rules: UTS #46,
labels of at most 63 characters, names of at most 253) and, for a URL, its canonical path and
query (core ``canonicalise_url``: Safe Browsing rules, scheme optional). It raises
``InvalidValue`` with field ``name`` and the reason for anything else: an empty line, control
characters, bytes that were not UTF-8 (U+FFFD, lone surrogates), UTF-8 read as Latin-1
(``Ä‘`` for ``đ``), a bare IP address, a single label, an invalid label.

Plain lower-case ASCII host names, the bulk of a certificate stream, are checked with one
regular expression and never reach IDNA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.core.indicators import canonicalise_url, normalise_domain

__all__ = ["ParsedName", "parse_name"]

_FIELD = "name"
_MAX_NAME = 253
_ASCII_HOST = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)
_BAD_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffd]")
_URL_MARKS = ("/", "?", "#", "@", ":")
_DOTTED_QUAD = re.compile(r"[0-9]+(?:\.[0-9]+){3}")
# The bulk of a stream: a plain lower-case ASCII name, maybe ``*.`` and a trailing dot. Such a
# text holds no bad character and no URL mark, so it takes the steps below in one match.
_PLAIN_NAME = re.compile(r"(?:\*\.)?(" + _ASCII_HOST.pattern + r")\.?")


@dataclass(frozen=True, slots=True)
class ParsedName:
    """A usable input: ``host`` is lower-case ASCII (A-labels), or an IP address when
    ``is_ip``; ``path`` is the URL's canonical path and query (empty for a host name)."""

    host: str
    path: str = ""
    is_ip: bool = False


def _refuse_bad_encoding(text: str) -> None:
    bad = _BAD_CHARACTERS.search(text)
    if bad is not None:
        what = "U+FFFD or a lone surrogate" if bad[0] >= "\ud800" else "a control character"
        raise InvalidValue(_FIELD, text, f"holds {what} (bytes that were not UTF-8 text?)")
    if text.isascii():
        return
    for encoding in ("latin-1", "cp1252"):
        try:
            text.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        raise InvalidValue(_FIELD, text, f"looks like UTF-8 read as {encoding} (mixed encodings)")


def _split_url(text: str) -> tuple[str, str, bool]:
    try:
        canonical = canonicalise_url(text)
    except InvalidIndicator as error:
        raise InvalidValue(_FIELD, text, error.reason) from None
    rest = canonical.partition("://")[2]
    slash = rest.find("/")
    host, path = (rest, "/") if slash < 0 else (rest[:slash], rest[slash:])
    is_ip = host.startswith("[") or _DOTTED_QUAD.fullmatch(host) is not None
    return host.removeprefix("[").removesuffix("]"), path, is_ip


def _normalised_host(host: str, text: str) -> str:
    lowered = host.lower()
    if (
        len(lowered) <= _MAX_NAME
        and lowered.isascii()
        and "xn--" not in lowered
        and _ASCII_HOST.fullmatch(lowered)
    ):
        return lowered
    try:
        return normalise_domain(host)
    except InvalidIndicator as error:
        raise InvalidValue(_FIELD, text, error.reason) from None


def parse_name(text: str) -> ParsedName:
    """Return the host (and URL path) to score in ``text``; raise ``InvalidValue`` (field
    ``name``) when it is not a host name, a ``*.`` wildcard name or a URL with a host."""
    if not isinstance(text, str):
        raise InvalidValue(_FIELD, text, f"is a {type(text).__name__}, not text")
    stripped = text.strip()
    plain = _PLAIN_NAME.fullmatch(stripped)
    if plain is not None:
        host = plain[1]
        if len(host) <= _MAX_NAME and "xn--" not in host:
            return ParsedName(host=host)
    if not stripped:
        raise InvalidValue(_FIELD, text, "is empty")
    _refuse_bad_encoding(stripped)
    path, is_ip = "", False
    host = stripped
    if any(mark in stripped for mark in _URL_MARKS):
        host, path, is_ip = _split_url(stripped)
        if is_ip:
            return ParsedName(host=host, path=path, is_ip=True)
    if host.startswith("*."):
        host = host[2:]
    if host.endswith("."):
        host = host[:-1]
    return ParsedName(host=_normalised_host(host, text), path=path)
