"""API tokens: random, shown once, stored as a SHA-256 digest, looked up by digest."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "cn_"  # noqa: S105 (a public marker, not a secret)
_TOKEN_BYTES = 32


def new_token() -> str:
    """Return a fresh token, e.g. ``cn_3q2…`` (43 url-safe characters after the prefix)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(_TOKEN_BYTES)


def token_digest(token: str) -> str:
    """Return the hex SHA-256 of ``token`` (tokens are high-entropy, so no salt is needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_prefix(token: str) -> str:
    """Return the first characters of ``token``, kept so a user can tell tokens apart."""
    return token[: len(TOKEN_PREFIX) + 6]
