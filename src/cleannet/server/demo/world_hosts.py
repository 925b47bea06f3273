"""Addresses for demo events: inside the prefixes an ISP holds at the time, or outside all.

Validity is kept in calendar days of the platform's time zone, which this pure module
does not know. A holding is therefore only used from 14 hours after its first day
begins (UTC) to 14 hours before its last day ends, so whatever the zone (UTC−12 to
UTC+14), the event's day falls inside the holding and attribution is unambiguous.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import random
from dataclasses import dataclass
from ipaddress import IPv6Address, ip_network

from cleannet.server.demo.world_catalogue import ISPS
from cleannet.server.demo.world_model import DemoPrefix
from cleannet.server.demo.world_sampling import Picker

_MARGIN = dt.timedelta(hours=14)
_FAR_FUTURE = dt.datetime.max.replace(tzinfo=dt.UTC)

# Documentation blocks that no demo prefix covers (RFC 5737; 2001:db8:ff00::/40 is kept
# out of the ISPs' IPv6 plan for the same reason).
SINKHOLE_NETS = ("198.51.100.{}", "2001:db8:ff53::{:x}")  # sinkholes of the feed providers
HONEYPOT_NETS = ("192.0.2.{}", "2001:db8:ff00::{:x}")  # the authority's honeypots
STRAY_NET = "203.0.113.{}"  # hosts no ISP in the world holds


@dataclass(frozen=True, slots=True)
class Host:
    """An address chosen for an event, with the AS announcing it (None if nobody holds it)."""

    ip: str
    asn: int | None
    prefix: DemoPrefix | None


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def usable_span(prefix: DemoPrefix) -> tuple[dt.datetime, dt.datetime]:
    """Return the instants between which events may safely use ``prefix`` (see module doc)."""
    begins = _midnight(prefix.valid_from) + _MARGIN
    ends = _FAR_FUTURE if prefix.valid_until is None else _midnight(prefix.valid_until) - _MARGIN
    return begins, ends


@functools.cache
def _bounds(cidr: str) -> tuple[int, int, int]:
    """Return the IP version, first address and size of ``cidr``, parsed once."""
    network = ip_network(cidr)
    return network.version, int(network.network_address), network.num_addresses


def _address(rng: random.Random, cidr: str) -> str:
    """Return a random host address inside ``cidr`` (never its first or last address)."""
    version, first, size = _bounds(cidr)
    value = first + rng.randrange(1, size - 1)
    if version == 4:
        return f"{value >> 24}.{(value >> 16) & 255}.{(value >> 8) & 255}.{value & 255}"
    return str(IPv6Address(value))


class AddressBook:
    """Picks subscriber addresses the way infections spread: by ISP size, then by prefix."""

    def __init__(self, prefixes: tuple[DemoPrefix, ...], start: dt.datetime) -> None:
        self._isps = Picker([(isp.slug, isp.share) for isp in ISPS])
        spans = {p: usable_span(p) for p in prefixes}
        edges = {t for span in spans.values() for t in span if start < t < _FAR_FUTURE}
        self._edges = sorted(edges)
        self._eras: list[dict[str, Picker[DemoPrefix]]] = []
        for at in [start, *self._edges]:
            held = [p for p, (begins, ends) in spans.items() if begins <= at < ends]
            self._eras.append(
                {
                    isp.slug: Picker([(p, p.weight) for p in held if p.organisation == isp.slug])
                    for isp in ISPS
                }
            )

    def subscriber(self, rng: random.Random, at: dt.datetime) -> Host:
        """Return an address an ISP holds at ``at``, in a prefix usable at that instant."""
        era = self._eras[bisect.bisect_right(self._edges, at)]
        prefix = era[self._isps.pick(rng)].pick(rng)
        return Host(_address(rng, prefix.cidr), prefix.asn, prefix)

    def is_usable(self, host: Host, at: dt.datetime) -> bool:
        """Return whether ``host`` may appear in an event at ``at`` (its prefix is held then)."""
        if host.prefix is None:
            return True
        begins, ends = usable_span(host.prefix)
        return begins <= at < ends


def stray(rng: random.Random) -> Host:
    """Return an address outside every demo prefix: an event nobody can be told about."""
    return Host(STRAY_NET.format(rng.randrange(1, 255)), None, None)


def sinkhole(rng: random.Random, ipv6: bool) -> str:
    """Return one of a handful of sinkhole addresses, of the same IP version as the caller."""
    return SINKHOLE_NETS[ipv6].format(rng.randrange(10, 20))


def honeypot(rng: random.Random, ipv6: bool) -> str:
    """Return one of a handful of honeypot addresses, of the same IP version as the caller."""
    return HONEYPOT_NETS[ipv6].format(rng.randrange(200, 210))
