"""Hash-prefix look-ups in the manner of Google Safe Browsing (v4 Update API, v5 local lists).

A client never sends the URL it checks. It hashes each lookup expression of the URL
(``cleannet.core.indicators.url.lookup_expressions``: host suffixes × path prefixes of the
canonical URL) with SHA-256, compares the first bytes (usually 4) with the prefix list it keeps,
and only on a local hit asks for the full hashes under those prefixes; only a full-hash match
is a hit. The server learns a 4-byte prefix, shared by many unrelated URLs.

``HashPrefixIndex`` is the server side (prefix lists, their checksum, full hashes for prefixes)
and, through ``matches``, the client procedure for tests and for the command line.
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.url import canonicalise_url, lookup_expressions

__all__ = ["DEFAULT_PREFIX_LENGTH", "HashPrefixIndex", "expression_hashes", "url_expression"]

DEFAULT_PREFIX_LENGTH = 4
"""The prefix length of Safe Browsing's lists (``se-4b``, ``mw-4b``)."""

_MIN_PREFIX, _FULL_HASH = 4, 32


def _sha256(expression: str) -> bytes:
    return hashlib.sha256(expression.encode("utf-8")).digest()


def expression_hashes(url: str) -> list[bytes]:
    """Return the SHA-256 of each lookup expression of ``url``, in ``lookup_expressions`` order.

    Raises ``InvalidIndicator`` when ``url`` has no usable host (see ``canonicalise_url``).
    """
    return [_sha256(expression) for expression in lookup_expressions(url)]


def url_expression(url: str) -> str:
    """Return the one expression that stands for a listed ``url``: its canonical host and path
    (and query), without the scheme; a bare host ``evil.example`` gives ``evil.example/``, which
    every URL on that host matches. Raises ``InvalidIndicator`` as ``canonicalise_url`` does."""
    return canonicalise_url(url).partition("://")[2]


def _checked_length(length: int) -> int:
    if not _MIN_PREFIX <= length <= _FULL_HASH:
        raise InvalidValue("length", length, f"a prefix has {_MIN_PREFIX} to {_FULL_HASH} bytes")
    return length


class HashPrefixIndex:
    """The full SHA-256 hashes of a list of expressions, sorted, with their prefixes."""

    __slots__ = ("_hashes", "_local")

    def __init__(self, full_hashes: Iterable[bytes]) -> None:
        """Build from full hashes; raises ``InvalidValue`` for one that is not 32 bytes."""
        hashes = set()
        for digest in full_hashes:
            if len(digest) != _FULL_HASH:
                raise InvalidValue("full hash", digest, f"has {len(digest)} bytes, not 32")
            hashes.add(bytes(digest))
        self._hashes = sorted(hashes)
        self._local: dict[int, frozenset[bytes]] = {}  # the client's prefix set, per length

    @classmethod
    def from_expressions(cls, expressions: Iterable[str]) -> HashPrefixIndex:
        """Build from expressions as Safe Browsing lists them (``evil.example/``,
        ``a.b.c/1/2.html``): host and path, no scheme. Raises ``InvalidValue`` for one without
        a ``/`` or with a scheme (pass those to ``from_urls``)."""
        for expression in (expressions := list(expressions)):
            if "/" not in expression or "://" in expression:
                reason = "an expression is a host and a path, like 'evil.example/'"
                raise InvalidValue("expression", expression, reason)
        return cls(_sha256(expression) for expression in expressions)

    @classmethod
    def from_urls(cls, urls: Iterable[str]) -> HashPrefixIndex:
        """Build from confirmed fake hosts or URLs, each becoming ``url_expression(url)``.
        Raises ``InvalidIndicator`` naming the first entry without a usable host."""
        return cls(_sha256(url_expression(url)) for url in urls)

    def __len__(self) -> int:
        return len(self._hashes)

    def prefixes(self, length: int = DEFAULT_PREFIX_LENGTH) -> list[bytes]:
        """Return the ``length``-byte prefixes of the hashes, sorted and unique (the order that
        Safe Browsing's removal indices and checksum refer to). ``length`` is 4 to 32."""
        _checked_length(length)
        return sorted({digest[:length] for digest in self._hashes})

    def checksum(self, length: int = DEFAULT_PREFIX_LENGTH) -> bytes:
        """Return the SHA-256 of the sorted prefixes concatenated: a client whose list gives
        another checksum has drifted and must reload the whole list."""
        return hashlib.sha256(b"".join(self.prefixes(length))).digest()

    def full_hashes(self, prefixes: Iterable[bytes]) -> list[bytes]:
        """Return, sorted, every full hash that starts with one of ``prefixes``. Raises
        ``InvalidValue`` for a prefix shorter than 4 or longer than 32 bytes."""
        found: set[bytes] = set()
        for prefix in prefixes:
            _checked_length(len(prefix))
            start = bisect.bisect_left(self._hashes, prefix)
            for digest in self._hashes[start:]:
                if not digest.startswith(prefix):
                    break
                found.add(digest)
        return sorted(found)

    def matches(self, url: str, length: int = DEFAULT_PREFIX_LENGTH) -> list[str]:
        """Return the expressions of ``url`` that are listed, as a client finds them: hash the
        expressions, keep those whose prefix is in the local list, ask for the full hashes of
        those prefixes only, and keep the expressions whose full hash came back."""
        local = self._local.get(length)
        if local is None:
            local = self._local[length] = frozenset(self.prefixes(length))
        hashed = {expression: _sha256(expression) for expression in lookup_expressions(url)}
        asked = {digest[:length] for digest in hashed.values() if digest[:length] in local}
        if not asked:
            return []
        answered = set(self.full_hashes(asked))
        return [expression for expression, digest in hashed.items() if digest in answered]
