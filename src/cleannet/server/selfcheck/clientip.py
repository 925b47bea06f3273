"""The visitor's own address: REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy.

``CLEANNET_TRUSTED_PROXIES`` (a list of CIDRs, or one string of CIDRs separated by commas or
spaces) names the reverse proxies whose X-Forwarded-For is believed. The header is read from
the right: each hop added by a trusted proxy is skipped, and the first address not in a
trusted network is the visitor. A visitor can write anything at the left of the header, so
nothing left of the first untrusted hop is ever used.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

from cleannet.core.errors import InvalidValue

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(text: str) -> Address | None:
    """Return ``text`` as an address (IPv4-mapped IPv6 as IPv4, a port or zone dropped),
    or None when it is not one."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:443"
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]  # a zone id ("fe80::1%eth0") names no other host
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(setting: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for item in setting:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as error:
            raise InvalidValue("CLEANNET_TRUSTED_PROXIES", item, "not a CIDR") from error
    return tuple(networks)


def trusted_proxies() -> tuple[Network, ...]:
    """Return the trusted proxy networks of the settings (parsed once per distinct value).

    Raises ``InvalidValue`` naming the setting when an item is not a network.
    """
    raw: str | Iterable[str] = getattr(settings, "CLEANNET_TRUSTED_PROXIES", ())
    items = raw.replace(",", " ").split() if isinstance(raw, str) else raw
    return _networks(tuple(str(item).strip() for item in items if str(item).strip()))


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_address(request: HttpRequest) -> Address | None:
    """Return the visitor's address, or None when it cannot be known (a malformed hop)."""
    peer = parse_address(str(request.META.get("REMOTE_ADDR", "")))
    networks = trusted_proxies()
    if peer is None or not networks or not _trusted(peer, networks):
        return peer
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop for hop in header.split(",") if hop.strip()]
    current = peer
    for hop in reversed(hops):
        if not _trusted(current, networks):
            break
        parsed = parse_address(hop)
        if parsed is None:
            return None  # whoever wrote this hop is unknown; better no answer than a wrong one
        current = parsed
    return current
