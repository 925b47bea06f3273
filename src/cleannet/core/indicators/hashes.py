"""File hash indicators: MD5, SHA-1 and SHA-256 as lower-case hexadecimal."""

from __future__ import annotations

import re
from typing import Literal

from cleannet.core.errors import InvalidIndicator

__all__ = ["HashKind", "guess_hash_kind", "normalise_md5", "normalise_sha1", "normalise_sha256"]

HashKind = Literal["md5", "sha1", "sha256"]

_HEX_DIGITS: dict[HashKind, int] = {"md5": 32, "sha1": 40, "sha256": 64}
_NAMES: dict[HashKind, str] = {"md5": "an MD5", "sha1": "a SHA-1", "sha256": "a SHA-256"}
_NOT_HEX = re.compile(r"[^0-9a-fA-F]")
_HEX = re.compile(r"[0-9a-fA-F]+")


def _normalise_hash(kind: HashKind, raw: str) -> str:
    text = raw.strip()
    bad = _NOT_HEX.search(text)
    if bad is not None:
        raise InvalidIndicator(
            kind,
            raw,
            f"character {bad[0]!r} at position {bad.start() + 1} is not a hexadecimal digit",
        )
    expected = _HEX_DIGITS[kind]
    if len(text) != expected:
        raise InvalidIndicator(
            kind, raw, f"has {len(text)} hex digits, {_NAMES[kind]} hash has {expected}"
        )
    return text.lower()


def normalise_md5(raw: str) -> str:
    """Return ``raw`` as 32 lower-case hex digits.

    Surrounding whitespace is ignored. Raises ``InvalidIndicator`` naming the first character
    that is not hexadecimal (and its position, from 1), or the wrong length.
    """
    return _normalise_hash("md5", raw)


def normalise_sha1(raw: str) -> str:
    """Return ``raw`` as 40 lower-case hex digits; raises as ``normalise_md5`` does."""
    return _normalise_hash("sha1", raw)


def normalise_sha256(raw: str) -> str:
    """Return ``raw`` as 64 lower-case hex digits; raises as ``normalise_md5`` does."""
    return _normalise_hash("sha256", raw)


def guess_hash_kind(raw: str) -> HashKind | None:
    """Return which hash ``raw`` can be, judged by being hexadecimal and its length, or None.

    Never raises. A 32-digit value is always called ``md5`` (it could be another 128-bit hash).
    """
    text = raw.strip()
    if not _HEX.fullmatch(text):
        return None
    return next((kind for kind, digits in _HEX_DIGITS.items() if digits == len(text)), None)
