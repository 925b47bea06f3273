"""Autonomous System numbers: ``AS64512``, ``as64512``, ``64512`` or asdot ``1.10`` (= 65546)."""

from __future__ import annotations

import re

from cleannet.core.errors import InvalidIndicator

__all__ = ["ASN_FLAGS", "MAX_ASN", "asn_flags", "normalise_asn", "parse_asn"]

MAX_ASN = 4_294_967_295
ASN_FLAGS = frozenset({"private", "documentation", "reserved", "global"})

_ASDOT_HALF = 65_535
_ASN_TEXT = re.compile(r"(?:ASN?)?\s*([0-9]+)(?:\.([0-9]+))?", re.IGNORECASE)
# IANA "Special-Purpose AS Numbers" and the AS number registry's reserved blocks.
_SPECIAL_RANGES: tuple[tuple[str, int, int], ...] = (
    ("reserved", 0, 0),
    ("reserved", 23_456, 23_456),  # AS_TRANS (RFC 6793)
    ("documentation", 64_496, 64_511),  # RFC 5398
    ("private", 64_512, 65_534),  # RFC 6996
    ("reserved", 65_535, 65_535),  # RFC 7300
    ("documentation", 65_536, 65_551),  # RFC 5398
    ("reserved", 65_552, 131_071),  # IANA reserved
    ("private", 4_200_000_000, 4_294_967_294),  # RFC 6996
    ("reserved", MAX_ASN, MAX_ASN),  # RFC 7300
)


def _from_text(raw: str) -> int:
    match = _ASN_TEXT.fullmatch(raw.strip())
    if match is None:
        raise InvalidIndicator(
            "asn", raw, "is not an AS number (expected AS64512, 64512 or asdot 1.10)"
        )
    high, low = match[1], match[2]
    if low is None:
        return int(high)
    if int(high) > _ASDOT_HALF or int(low) > _ASDOT_HALF:
        raise InvalidIndicator("asn", raw, f"an asdot half is above {_ASDOT_HALF}")
    return int(high) * (_ASDOT_HALF + 1) + int(low)


def parse_asn(raw: str | int) -> int:
    """Return the AS number ``raw`` stands for.

    Accepts an ``int`` or text with an optional ``AS``/``ASN`` prefix in any case, optional
    space after it, in asplain (``65546``) or asdot (``1.10``). Raises ``InvalidIndicator`` for
    other text, a ``bool``, or a number outside 0..4294967295.
    """
    if isinstance(raw, bool):
        raise InvalidIndicator("asn", raw, "is a boolean, not an AS number")
    number = raw if isinstance(raw, int) else _from_text(raw)
    if not 0 <= number <= MAX_ASN:
        raise InvalidIndicator("asn", raw, f"is outside the AS number range 0..{MAX_ASN}")
    return number


def normalise_asn(raw: str | int) -> str:
    """Return ``raw`` as canonical text ``AS<asplain>``, e.g. ``AS65546`` for ``1.10``.

    Raises ``InvalidIndicator`` as ``parse_asn`` does.
    """
    return f"AS{parse_asn(raw)}"


def asn_flags(asn: str | int) -> frozenset[str]:
    """Return the special-purpose flags of ``asn``, a subset of ``ASN_FLAGS``.

    ``global`` is returned alone when the number is none of private, documentation or
    reserved. Raises ``InvalidIndicator`` as ``parse_asn`` does.
    """
    number = parse_asn(asn)
    flags = {flag for flag, first, last in _SPECIAL_RANGES if first <= number <= last}
    return frozenset(flags or {"global"})
