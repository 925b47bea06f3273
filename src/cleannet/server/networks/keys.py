"""Addresses as fixed-width hex keys, so prefix containment is a string comparison.

An IPv4 key has 8 lower-case hex digits, an IPv6 key 32; keys of the same family sort
like the addresses they stand for, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

_WIDTH = {4: 8, 6: 32}


def address_key(address: Address) -> str:
    """Return the hex key of ``address`` (8 digits for IPv4, 32 for IPv6)."""
    return format(int(address), f"0{_WIDTH[address.version]}x")


def network_keys(network: Network) -> tuple[str, str]:
    """Return the keys of the first and last address of ``network``."""
    return address_key(network.network_address), address_key(network.broadcast_address)


def covering_keys(address: Address) -> Iterator[tuple[int, str]]:
    """Yield ``(prefix_len, start_key)`` of every network containing ``address``, longest first.

    A prefix contains ``address`` exactly when its start key and length are one of these
    pairs, which turns "longest match" into a handful of exact index look-ups.
    """
    bits = address.max_prefixlen
    value = int(address)
    width = _WIDTH[address.version]
    for length in range(bits, -1, -1):
        host_bits = bits - length
        yield length, format(value >> host_bits << host_bits, f"0{width}x")
