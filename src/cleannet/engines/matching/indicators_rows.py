"""One indicator record → its normalised row, or the reason it is refused.

Normalised by ``cleannet.core.indicators`` only; the matching tables' one difference is
that an IPv4-mapped IPv6 address (or a CIDR inside ``::ffff:0:0/96``) is written as IPv4.

Refused, because it would match nearly everything an ISP logs:

* a domain that is a public suffix (``com.vn``, ``vercel.app``: the Public Suffix List with
  its private section), and a URL whose host is one (``http://vercel.app/`` matches every
  site on the platform); a URL without a host;
* a CIDR shorter than the minimum (``0.0.0.0/0`` always);
* an IP or CIDR that is not globally routable: private, shared (CGNAT 100.64.0.0/10),
  loopback, link-local, multicast, unspecified, reserved. In an ISP's own logs those are
  its own resolvers, its CGNAT inside space and every home router, so one feed mistake
  would flag every subscriber. Documentation and benchmarking ranges are accepted: tests
  and demos use them, and real traffic never does;
* a CIDR with host bits set (``203.0.113.7/24``): the sender may have meant the host or
  the network, and widening to the network would flag 255 innocent addresses;
* an ``ip`` with a prefix shorter than a host (``/32``, ``/128`` are fine);
* an empty validity window (``valid_until`` at or before ``valid_from``).

Kinds: ``ip`` (also the hub's ``ipv4``/``ipv6``), ``cidr``, ``domain``, ``url``. The hub's
other kinds (hashes, e-mail, phone, ASN) cannot match ISP logs: skipped, not refused.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from ipaddress import IPv6Network, ip_network

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import (
    canonicalise_url,
    ip_flags,
    normalise_cidr,
    normalise_domain,
    public_suffix,
    url_host,
)
from cleannet.engines.matching.leases.inputs import canonical_ip, iso_micros
from cleannet.engines.matching.schema import IndicatorKind

__all__ = [
    "NOT_MATCHABLE",
    "IndicatorRow",
    "Limits",
    "Refused",
    "canonical_domain",
    "indicator_row",
]

KINDS = {
    "ip": IndicatorKind.IP,
    "ipv4": IndicatorKind.IP,
    "ipv6": IndicatorKind.IP,
    "cidr": IndicatorKind.CIDR,
    "domain": IndicatorKind.DOMAIN,
    "url": IndicatorKind.URL,
}
NOT_MATCHABLE = frozenset({"md5", "sha1", "sha256", "email", "phone", "asn"})
_ROUTABLE_ENOUGH = {"global", "documentation", "benchmarking"}
_MAPPED_V4 = IPv6Network("::ffff:0:0/96")
# A name already in core's canonical form: lower-case letter-digit-hyphen labels (none an
# A-label, which IDNA must check), a top-level label starting with a letter (so neither
# numeric nor an address in disguise), at most 63 / 253 characters. Core returns such a
# name unchanged, at many times the cost (tests hold the two equal).
_CANONICAL_NAME = re.compile(
    r"(?=.{1,253}$)(?:(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
    r"(?!xn--)[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?"
)


class Refused(ValueError):
    """The record is not loaded; the message says why."""


@dataclass(frozen=True)
class Limits:
    min_prefix_v4: int = 16
    min_prefix_v6: int = 32


@dataclass(frozen=True, slots=True)
class IndicatorRow:
    kind: str
    indicator: str
    value: str
    family: str | None
    valid_from: int | None  # microseconds since the epoch, UTC
    valid_until: int | None


def _check_routable(address: str, raw: str) -> None:
    flags = ip_flags(address) - _ROUTABLE_ENOUGH
    if flags:
        raise Refused(f"{raw!r} is {', '.join(sorted(flags))} address space, not routable")


def _ip(raw: str) -> str:
    text, slash, length = raw.strip().partition("/")
    if slash and length not in ("32", "128"):
        raise Refused(f"kind ip {raw!r} has a network prefix; give it as kind cidr")
    address = canonical_ip(text)
    if slash and (length == "32") != (":" not in text):
        raise Refused(f"kind ip {raw!r}: /{length} does not fit the address")
    _check_routable(address, raw)
    return address


def _cidr(raw: str, limits: Limits) -> str:
    value = normalise_cidr(raw)
    network = ip_network(value)
    if network.version == 6 and network.prefixlen >= 96 and network.subnet_of(_MAPPED_V4):
        value = f"{canonical_ip(str(network.network_address))}/{network.prefixlen - 96}"
        network = ip_network(value)
    shortest = limits.min_prefix_v4 if network.version == 4 else limits.min_prefix_v6
    if network.prefixlen < shortest:
        raise Refused(
            f"{raw!r} is shorter than /{shortest}, the shortest CIDR accepted: it would "
            "match too many addresses"
        )
    for edge in (network.network_address, network.broadcast_address):
        _check_routable(str(edge), raw)
    return value


def canonical_domain(raw: str) -> str:
    """Return ``normalise_domain(raw)``, taking a short cut for a name already canonical.

    Raises ``InvalidIndicator`` as ``normalise_domain`` does.
    """
    return raw if _CANONICAL_NAME.fullmatch(raw) else normalise_domain(raw)


def _domain(raw: str) -> str:
    name = canonical_domain(raw)
    if public_suffix(name, normalised=True) == name:
        raise Refused(f"{raw!r} is a public suffix: it would match every name under it")
    return name


def _is_public_suffix(host: str) -> bool:
    if ":" in host or host.replace(".", "").isdigit():
        return False  # an address
    try:
        return public_suffix(host) == host
    except InvalidIndicator:
        return False  # a host that is no DNS name (escaped bytes) is no suffix either


def _url(raw: str) -> str:
    url = canonicalise_url(raw)
    if _is_public_suffix(url_host(url)):
        raise Refused(f"{raw!r} has a public suffix as its host: it would match every site there")
    return url


def normalised_value(kind: IndicatorKind, raw: str, limits: Limits) -> str:
    """Return the canonical value of ``raw`` as ``kind``; raise ``Refused`` naming why not."""
    try:
        if kind is IndicatorKind.IP:
            return _ip(raw)
        if kind is IndicatorKind.CIDR:
            return _cidr(raw, limits)
        if kind is IndicatorKind.DOMAIN:
            return _domain(raw)
        return _url(raw)
    except InvalidIndicator as error:
        raise Refused(f"{kind} {raw!r}: {error.reason}") from None


def _time(text: str, name: str) -> int | None:
    if not text:
        return None
    try:
        return iso_micros(text, naive=dt.UTC, source=name)
    except ValueError:
        raise Refused(f"{name} {text!r} is not an ISO 8601 time") from None


def indicator_row(
    kind: str, raw: str, family: str, valid_from: str, valid_until: str, limits: Limits
) -> IndicatorRow | None:
    """Return the row for one indicator record; None for a kind that cannot match logs.

    Times are ISO 8601, UTC when written without an offset (the hub writes UTC), empty for
    an open end. Raises ``Refused`` naming the reason for a record that is not loaded.
    """
    kind = kind.strip().lower()
    if kind in NOT_MATCHABLE:
        return None
    if kind not in KINDS:
        raise Refused(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if not raw.strip():
        raise Refused("has no value")
    value = normalised_value(KINDS[kind], raw, limits)
    start, end = _time(valid_from, "valid_from"), _time(valid_until, "valid_until")
    if start is not None and end is not None and end <= start:
        raise Refused("valid_until is not after valid_from: the indicator is never valid")
    return IndicatorRow(str(KINDS[kind]), raw, value, family.strip() or None, start, end)
