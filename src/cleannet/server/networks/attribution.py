"""Which organisation held an IP address at a given time: the longest matching prefix.

Every feature that says "this event belongs to that ISP" goes through ``owners_of``.
For each address it computes the start key of every network that could contain it
(33 for IPv4, 129 for IPv6) and asks the database for held prefixes with those exact
keys: an index look-up per key instead of a range scan, in one query per few hundred
keys. The longest of the candidates is then picked in Python.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv6Address

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import parse_ip
from cleannet.server.accounts.models import Organisation
from cleannet.server.networks.keys import Address, covering_keys
from cleannet.server.networks.models import AutonomousSystem, Prefix
from cleannet.server.networks.validity import held_on, validity_day

# Stays under SQLite's smallest bound-parameter limit (999) with room for the other filters.
_KEYS_PER_QUERY = 900

PrefixIndex = dict[tuple[int, str, int], Prefix]


@dataclass(frozen=True)
class Attribution:
    """The owner of ``ip``: the longest prefix held at the time, its organisation and AS."""

    ip: str
    prefix: Prefix
    organisation: Organisation
    autonomous_system: AutonomousSystem | None


def parse_address(raw: str | IPv4Address | IPv6Address, field: str = "ip") -> Address:
    """Return ``raw`` as an address; an IPv4-mapped IPv6 address becomes its IPv4 address.

    Raises ``InvalidIndicator`` naming ``field`` if ``raw`` is not an IP address.
    """
    if isinstance(raw, IPv4Address | IPv6Address):
        address: Address = raw
    else:
        try:
            address = parse_ip(raw)
        except InvalidIndicator as error:
            raise InvalidIndicator(field, raw, error.reason) from None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def owner_of(ip: str | IPv4Address | IPv6Address, at: dt.datetime | dt.date) -> Attribution | None:
    """Return who held ``ip`` at ``at`` (longest matching prefix), or None if nobody did.

    ``at`` is reduced to its day in the platform time zone (validity is kept in days).
    Raises ``InvalidIndicator`` (field ``ip``) if ``ip`` is not an IP address.
    """
    address = parse_address(ip)
    return owners_of([address], at).get(str(address))


def owners_of(
    ips: Iterable[str | IPv4Address | IPv6Address], at: dt.datetime | dt.date
) -> dict[str, Attribution]:
    """Return the owner of each address held at ``at``, keyed by the address's canonical text.

    Addresses nobody held are missing from the answer. The canonical text is the compressed
    form (IPv4-mapped IPv6 addresses are keyed by their IPv4 address). Raises
    ``InvalidIndicator`` (field ``ip``) on the first value that is not an IP address.
    """
    addresses = {parse_address(ip) for ip in ips}
    index = _held_prefixes(addresses, validity_day(at))
    answer: dict[str, Attribution] = {}
    for address in addresses:
        prefix = _longest_match(address, index)
        if prefix is not None:
            answer[str(address)] = Attribution(
                ip=str(address),
                prefix=prefix,
                organisation=prefix.organisation,
                autonomous_system=prefix.asn,
            )
    return answer


def _longest_match(address: Address, index: PrefixIndex) -> Prefix | None:
    for length, key in covering_keys(address):
        prefix = index.get((address.version, key, length))
        if prefix is not None:
            return prefix
    return None


def _chunks(keys: set[str]) -> Iterator[list[str]]:
    ordered = sorted(keys)
    for start in range(0, len(ordered), _KEYS_PER_QUERY):
        yield ordered[start : start + _KEYS_PER_QUERY]


def _held_prefixes(addresses: set[Address], day: dt.date) -> PrefixIndex:
    """Return the prefixes held on ``day`` that start where a network of an address starts."""
    keys: dict[int, set[str]] = {4: set(), 6: set()}
    for address in addresses:
        keys[address.version].update(key for _, key in covering_keys(address))
    index: PrefixIndex = {}
    for family, family_keys in keys.items():
        for chunk in _chunks(family_keys):
            rows = Prefix.objects.filter(
                held_on(day), family=family, start_key__in=chunk
            ).select_related("organisation", "asn")
            # Validity of one block never overlaps, so (family, start, length) is unique per day.
            index.update({(p.family, p.start_key, p.prefix_len): p for p in rows})
    return index
