"""Indicator kinds, the normalised ``Indicator`` record, and the one table of normalisers."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators.asn import normalise_asn
from cleannet.core.indicators.domain import normalise_domain
from cleannet.core.indicators.email import normalise_email
from cleannet.core.indicators.hashes import (
    guess_hash_kind,
    normalise_md5,
    normalise_sha1,
    normalise_sha256,
)
from cleannet.core.indicators.ip import normalise_cidr, normalise_ipv4, normalise_ipv6
from cleannet.core.indicators.phone import normalise_phone
from cleannet.core.indicators.url import canonicalise_url

__all__ = ["NORMALISERS", "Indicator", "IndicatorKind", "guess_kind", "normalise"]


class IndicatorKind(StrEnum):
    """What an observable is; the value is the name used in events and feeds."""

    IPV4 = "ipv4"
    IPV6 = "ipv6"
    CIDR = "cidr"
    DOMAIN = "domain"
    URL = "url"
    MD5 = "md5"
    SHA1 = "sha1"
    SHA256 = "sha256"
    EMAIL = "email"
    PHONE = "phone"
    ASN = "asn"


@dataclass(frozen=True, slots=True)
class Indicator:
    """A normalised observable. Build it with ``normalise`` so that ``value`` is canonical."""

    kind: IndicatorKind
    value: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


NORMALISERS: Mapping[IndicatorKind, Callable[[str], str]] = MappingProxyType(
    {
        IndicatorKind.IPV4: normalise_ipv4,
        IndicatorKind.IPV6: normalise_ipv6,
        IndicatorKind.CIDR: normalise_cidr,
        IndicatorKind.DOMAIN: normalise_domain,
        IndicatorKind.URL: canonicalise_url,
        IndicatorKind.MD5: normalise_md5,
        IndicatorKind.SHA1: normalise_sha1,
        IndicatorKind.SHA256: normalise_sha256,
        IndicatorKind.EMAIL: normalise_email,
        IndicatorKind.PHONE: normalise_phone,
        IndicatorKind.ASN: normalise_asn,
    }
)


def _kind(kind: IndicatorKind | str) -> IndicatorKind:
    try:
        return IndicatorKind(kind)
    except ValueError:
        known = ", ".join(IndicatorKind)
        raise InvalidIndicator("kind", kind, f"is not an indicator kind ({known})") from None


def normalise(kind: IndicatorKind | str, raw: str) -> Indicator:
    """Return ``raw`` normalised as an indicator of ``kind`` (an ``IndicatorKind`` or its name).

    Raises ``InvalidIndicator`` for an unknown kind, or with the kind's normaliser's reason.
    """
    known_kind = _kind(kind)
    return Indicator(known_kind, NORMALISERS[known_kind](raw))


# Shapes, first match wins, so more specific shapes come first (an e-mail before a URL without
# a scheme, a dotted quad before a phone number). Hashes are recognised before all of them.
_SHAPES: tuple[tuple[re.Pattern[str], IndicatorKind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"[a-z][a-z0-9+.-]*://\S*", IndicatorKind.URL),
        (r"[^@\s/:]+@[^@\s/:]+", IndicatorKind.EMAIL),
        (r"\[?[0-9a-f:.]*:[0-9a-f:.]*\]?/[0-9]+|[0-9.]+/[0-9]+", IndicatorKind.CIDR),
        (r"[0-9]+(?:\.[0-9]+){3}", IndicatorKind.IPV4),
        (r"\[?[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*(?:%\w+)?\]?", IndicatorKind.IPV6),
        (r"ASN?\s*[0-9]+(?:\.[0-9]+)?", IndicatorKind.ASN),
        (r"\+?[0-9(][0-9 ().-]{6,}[0-9]", IndicatorKind.PHONE),
        (r"[^\s/?#@]+\.[^\s/?#@.]+\.?[/?#]\S*", IndicatorKind.URL),
        (r"[^\s/?#@:]+\.[^\s/?#@:.]+\.?", IndicatorKind.DOMAIN),
    )
)


def guess_kind(raw: str) -> IndicatorKind:
    """Return the kind ``raw`` looks like, judged by its shape only (for plain lists).

    The guess does not validate: ``010.1.1.1`` is called ``ipv4`` so that ``normalise`` can then
    say what is wrong with it. Raises ``InvalidIndicator`` if ``raw`` has no known shape.
    """
    text = raw.strip()
    hash_kind = guess_hash_kind(text)
    if hash_kind is not None:
        return IndicatorKind(hash_kind)
    for pattern, kind in _SHAPES:
        if pattern.fullmatch(text):
            return kind
    raise InvalidIndicator("indicator", raw, "does not look like any kind of indicator")
