"""What the prefix index is built from (``PrefixEntry``) and what a look-up answers (``Hit``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

from cleannet.core.errors import InvalidIndicator, InvalidValue
from cleannet.core.indicators import MAX_ASN
from cleannet.engines.feeds.attribution_addresses import parse_block

__all__ = ["Block", "EntryLike", "Hit", "Network", "PrefixEntry", "resolve_entry"]

Network = str | tuple[int, int, int]
"""A CIDR text (``203.0.113.0/24``) or an address range ``(first, last, family)``."""


class PrefixEntry(NamedTuple):
    """One holding: ``network`` held by ``owner`` (an organisation key) and routed by ``asn``.

    ``valid_from`` is the first day held and ``valid_until`` the first day no longer held
    (exclusive); None leaves that end open. Days are calendar days in the platform time zone.
    """

    network: Network
    asn: int | None
    owner: str | None
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None


EntryLike = tuple[Network, int | None, str | None, dt.date | None, dt.date | None]
"""A plain tuple in the order of ``PrefixEntry``'s fields (``PrefixEntry`` is one)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """The holding that matched an address: the block's canonical text and who held it.

    ``prefix`` is a CIDR (or ``first-last`` for an entry given as a range that is not a CIDR).
    The same ``Hit`` object is returned for every address of the holding.
    """

    prefix: str
    family: int
    asn: int | None
    owner: str | None
    valid_from: dt.date | None
    valid_until: dt.date | None


@dataclass(frozen=True, slots=True)
class Block:
    """An entry resolved to integers: its family, first and last address, and its hit."""

    family: int
    first: int
    last: int
    hit: Hit


def _check_validity(start: dt.date | None, end: dt.date | None) -> None:
    for field, day in (("valid_from", start), ("valid_until", end)):
        if day is not None and (not isinstance(day, dt.date) or isinstance(day, dt.datetime)):
            raise InvalidValue(field, day, "is not a date")
    if start is not None and end is not None and end <= start:
        raise InvalidValue("valid_until", end, f"is not after valid_from {start.isoformat()}")


def resolve_entry(entry: EntryLike) -> Block:
    """Return ``entry`` as a ``Block``.

    Raises ``InvalidIndicator`` for a malformed network or AS number and ``InvalidValue``
    for a validity that is not dates or ends before it starts.
    """
    network, asn, owner, valid_from, valid_until = entry
    family, first, last, text = parse_block(network)
    if asn is not None and (isinstance(asn, bool) or not 0 <= asn <= MAX_ASN):
        raise InvalidIndicator("asn", asn, f"is outside the AS number range 0..{MAX_ASN}")
    _check_validity(valid_from, valid_until)
    hit = Hit(text, family, asn, owner, valid_from, valid_until)
    return Block(family, first, last, hit)
