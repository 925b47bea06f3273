"""What the leak index hashes, and how: the kinds of store, the key of each identifier, the digests.

E-mail addresses are keyed by ``core``'s ``mailbox_key`` (``normalise_email`` in lower case:
leaks spell one mailbox in several cases, and HIBP hashes addresses in lower case too); phone
numbers by ``normalise_phone`` (E.164, ``+84…``, pre-2018 numbers renumbered); passwords are
hashed exactly as given, never normalised, as Pwned Passwords does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType

from cleannet.core.indicators import mailbox_key, normalise_phone
from cleannet.engines.leakindex.md4 import md4

__all__ = [
    "HASH_BYTES",
    "PREFIX_HEX",
    "Kind",
    "hash_identifier",
    "identifier_key",
    "ntlm_digest",
    "password_hashes",
    "sha1_digest",
]


class Kind(StrEnum):
    """A kind of store: which identifier it holds and which digest of it."""

    PASSWORD_SHA1 = "password_sha1"  # noqa: S105 (a name, not a password)
    PASSWORD_NTLM = "password_ntlm"  # noqa: S105
    EMAIL = "email"
    PHONE = "phone"


HASH_BYTES: Mapping[Kind, int] = MappingProxyType(
    {Kind.PASSWORD_SHA1: 20, Kind.PASSWORD_NTLM: 16, Kind.EMAIL: 20, Kind.PHONE: 20}
)
# Pwned Passwords answers 5-hex ranges; HIBP's breached-account range takes 6 hex of the
# SHA-1 of an address, which keeps each answer small with hundreds of millions of addresses.
PREFIX_HEX: Mapping[Kind, int] = MappingProxyType(
    {Kind.PASSWORD_SHA1: 5, Kind.PASSWORD_NTLM: 5, Kind.EMAIL: 6, Kind.PHONE: 6}
)


def identifier_key(kind: Kind, raw: str) -> str:
    """Return the text of ``raw`` that ``kind`` hashes: the mailbox key, the E.164 number, or
    the password unchanged.

    Raises ``InvalidIndicator`` (from ``core``) for an e-mail address or phone number that does
    not normalise.
    """
    if kind is Kind.EMAIL:
        return mailbox_key(raw)
    if kind is Kind.PHONE:
        return normalise_phone(raw)
    return raw


def sha1_digest(text: str) -> bytes:
    """Return the 20-byte SHA-1 of ``text`` in UTF-8 (a lone surrogate encoded as-is)."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass"), usedforsecurity=False).digest()


def ntlm_digest(password: str) -> bytes:
    """Return the 16-byte NTLM hash of ``password``: MD4 of its UTF-16-LE encoding.

    A lone surrogate (possible in a ``str``, impossible in a real password) is encoded as-is
    (``surrogatepass``), as Windows does with such a UTF-16 string.
    """
    return md4(password.encode("utf-16-le", "surrogatepass"))


def password_hashes(password: str) -> tuple[bytes, bytes]:
    """Return ``(SHA-1, NTLM)`` of ``password``, the two hashes Pwned Passwords serves."""
    return sha1_digest(password), ntlm_digest(password)


def hash_identifier(kind: Kind, raw: str) -> bytes:
    """Return the digest ``kind`` stores for ``raw`` (``HASH_BYTES[kind]`` bytes).

    E-mail and phone are normalised first (see ``identifier_key``) and hashed with SHA-1.
    Raises ``InvalidIndicator`` for an e-mail address or phone number that does not normalise.
    """
    if kind is Kind.PASSWORD_NTLM:
        return ntlm_digest(raw)
    return sha1_digest(identifier_key(kind, raw))
