"""IPv4, IPv6 and CIDR indicators, strictly parsed, plus the special-purpose flags of an address.

The canonical texts are: dotted decimal for IPv4; RFC 5952 for IPv6 (compressed, lower case,
an IPv4-mapped address written ``::ffff:1.2.3.4``); ``address/length`` for a CIDR.
"""

from __future__ import annotations

import re
from ipaddress import (
    AddressValueError,
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_network,
)

from cleannet.core.errors import InvalidIndicator

__all__ = [
    "IP_FLAGS",
    "ip_flags",
    "ipv4_mapped",
    "is_public",
    "normalise_cidr",
    "normalise_ip",
    "normalise_ipv4",
    "normalise_ipv6",
    "parse_ip",
    "parse_ipv4_loose",
]

IPAddress = IPv4Address | IPv6Address

IP_FLAGS = frozenset(
    {
        "private",
        "loopback",
        "link_local",
        "multicast",
        "reserved",
        "unspecified",
        "documentation",
        "shared",
        "benchmarking",
        "global",
    }
)

_DECIMAL_PART = re.compile(r"[0-9]+")
_LOOSE_IPV4 = re.compile(r"(?:0x[0-9a-f]+|[0-9.])+", re.IGNORECASE)

# Own tables rather than ipaddress.is_private & co.: their meaning changed between Python
# patch releases (CVE-2024-4032), and "private" here means RFC 1918 / ULA only.
_V4_SPECIAL: tuple[tuple[str, IPv4Network], ...] = tuple(
    (flag, IPv4Network(net))
    for flag, net in (
        ("unspecified", "0.0.0.0/32"),
        ("reserved", "0.0.0.0/8"),
        ("private", "10.0.0.0/8"),
        ("shared", "100.64.0.0/10"),
        ("loopback", "127.0.0.0/8"),
        ("link_local", "169.254.0.0/16"),
        ("private", "172.16.0.0/12"),
        ("reserved", "192.0.0.0/24"),
        ("documentation", "192.0.2.0/24"),
        ("private", "192.168.0.0/16"),
        ("benchmarking", "198.18.0.0/15"),
        ("documentation", "198.51.100.0/24"),
        ("documentation", "203.0.113.0/24"),
        ("multicast", "224.0.0.0/4"),
        ("reserved", "240.0.0.0/4"),
    )
)
_V6_SPECIAL: tuple[tuple[str, IPv6Network], ...] = tuple(
    (flag, IPv6Network(net))
    for flag, net in (
        ("unspecified", "::/128"),
        ("loopback", "::1/128"),
        ("reserved", "100::/64"),
        ("benchmarking", "2001:2::/48"),
        ("documentation", "2001:db8::/32"),
        ("documentation", "3fff::/20"),
        ("private", "fc00::/7"),
        ("link_local", "fe80::/10"),
        ("multicast", "ff00::/8"),
    )
)
_V6_GLOBAL_UNICAST = IPv6Network("2000::/3")


def _refuse_inner_whitespace(text: str, field: str, raw: str) -> None:
    if any(char.isspace() for char in text):
        raise InvalidIndicator(field, raw, "contains whitespace inside the address")


def _check_ipv4_part(part: str, field: str, raw: str) -> None:
    if not _DECIMAL_PART.fullmatch(part):
        raise InvalidIndicator(field, raw, f"part {part!r} is not a decimal number")
    if len(part) > 1 and part.startswith("0"):
        raise InvalidIndicator(
            field, raw, f"part {part!r} has a leading zero, which some software reads as octal"
        )
    if int(part) > 255:
        raise InvalidIndicator(field, raw, f"part {part!r} is above 255")


def _parse_ipv4(text: str, field: str, raw: str) -> IPv4Address:
    """Parse ``text`` (a stripped part of ``raw``); errors name ``field`` and show ``raw``."""
    _refuse_inner_whitespace(text, field, raw)
    parts = text.split(".")
    if len(parts) != 4:
        raise InvalidIndicator(
            field, raw, f"has {len(parts)} dot-separated parts, an IPv4 address has 4"
        )
    for part in parts:
        _check_ipv4_part(part, field, raw)
    return IPv4Address(text)


def _parse_ipv6(text: str, field: str, raw: str) -> IPv6Address:
    """Parse ``text`` (a stripped part of ``raw``); errors name ``field`` and show ``raw``."""
    _refuse_inner_whitespace(text, field, raw)
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if "%" in text:
        raise InvalidIndicator(
            field, raw, "has a zone index, which only means something on one host"
        )
    if "." in text:
        # A dotted tail ('::ffff:1.2.3.4') follows the IPv4 rules, leading zeros included.
        _parse_ipv4(text.rsplit(":", 1)[-1], field, raw)
    try:
        return IPv6Address(text)
    except AddressValueError as error:
        raise InvalidIndicator(field, raw, str(error)) from None


def _ipv6_text(address: IPv6Address) -> str:
    mapped = address.ipv4_mapped
    # RFC 5952 section 5: an IPv4-mapped address keeps its dotted-quad tail.
    return f"::ffff:{mapped}" if mapped is not None else address.compressed


def parse_ip(raw: str) -> IPAddress:
    """Return the address in ``raw`` (IPv6 if it contains a colon, else IPv4).

    Raises ``InvalidIndicator`` with the same reasons as ``normalise_ipv4``/``normalise_ipv6``.
    """
    text = raw.strip()
    return _parse_ipv6(text, "ipv6", raw) if ":" in text else _parse_ipv4(text, "ipv4", raw)


def normalise_ipv4(raw: str) -> str:
    """Return ``raw`` as four dotted decimal octets.

    Surrounding whitespace is ignored. Raises ``InvalidIndicator`` for whitespace inside, a
    count of parts other than four, a part that is not decimal, above 255 or has a leading zero
    (``010.1.1.1`` may mean 8.1.1.1 to an octal-reading parser, so it is refused, not guessed).
    """
    return str(_parse_ipv4(raw.strip(), "ipv4", raw))


def normalise_ipv6(raw: str) -> str:
    """Return ``raw`` in RFC 5952 form (compressed, lower case, ``::ffff:1.2.3.4`` if mapped).

    Surrounding whitespace and URL brackets (``[2001:db8::1]``) are accepted. Raises
    ``InvalidIndicator`` for whitespace inside, a zone index (``fe80::1%eth0``) or bad syntax.
    """
    return _ipv6_text(_parse_ipv6(raw.strip(), "ipv6", raw))


def normalise_ip(raw: str) -> str:
    """Return ``normalise_ipv6(raw)`` if ``raw`` contains a colon, else ``normalise_ipv4(raw)``."""
    return normalise_ipv6(raw) if ":" in raw else normalise_ipv4(raw)


def ipv4_mapped(address: str | IPv6Address) -> str | None:
    """Return the IPv4 address inside an IPv4-mapped IPv6 address (``::ffff:a.b.c.d``), or None.

    Raises ``InvalidIndicator`` if ``address`` is a string that is not a valid IPv6 address.
    """
    parsed = _parse_ipv6(address.strip(), "ipv6", address) if isinstance(address, str) else address
    mapped = parsed.ipv4_mapped
    return None if mapped is None else str(mapped)


def _split_cidr(raw: str) -> tuple[str, int]:
    text = raw.strip()
    _refuse_inner_whitespace(text, "cidr", raw)
    address, slash, length = text.partition("/")
    if not slash:
        raise InvalidIndicator("cidr", raw, "has no '/prefix-length'")
    if not _DECIMAL_PART.fullmatch(length):
        raise InvalidIndicator("cidr", raw, f"prefix length {length!r} is not a decimal number")
    return address, int(length)


def normalise_cidr(raw: str, *, strict: bool = True) -> str:
    """Return ``raw`` as ``network/length`` with the address in canonical text.

    The address follows the rules of ``normalise_ipv4``/``normalise_ipv6``. With ``strict`` (the
    default) an address with host bits set (``10.0.0.1/8``) is refused, since the sender may have
    meant the single host; with ``strict=False`` the host bits are masked off (``10.0.0.0/8``).
    Raises ``InvalidIndicator`` for a missing or out-of-range prefix length or a bad address.
    """
    address_text, length = _split_cidr(raw)
    address: IPAddress = (
        _parse_ipv6(address_text, "cidr", raw)
        if ":" in address_text
        else _parse_ipv4(address_text, "cidr", raw)
    )
    if length > address.max_prefixlen:
        raise InvalidIndicator(
            "cidr", raw, f"prefix length {length} is above {address.max_prefixlen}"
        )
    network = ip_network(f"{address}/{length}", strict=False)
    if strict and network.network_address != address:
        raise InvalidIndicator(
            "cidr", raw, f"has host bits set; the network is {network.with_prefixlen}"
        )
    if isinstance(network, IPv6Network):
        return f"{_ipv6_text(network.network_address)}/{length}"
    return network.with_prefixlen


def ip_flags(address: str | IPAddress) -> frozenset[str]:
    """Return the special-purpose flags of ``address``, a subset of ``IP_FLAGS``.

    ``global`` is returned alone when no other flag applies. An IPv4-mapped IPv6 address gets
    the flags of its IPv4 address, because traffic to it goes there. IPv6 space outside
    2000::/3 that has no other flag is ``reserved``. Raises ``InvalidIndicator`` for a bad string.
    """
    parsed = parse_ip(address) if isinstance(address, str) else address
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    if isinstance(parsed, IPv4Address):
        flags = {flag for flag, net in _V4_SPECIAL if parsed in net}
    else:
        flags = {flag for flag, net in _V6_SPECIAL if parsed in net}
        if not flags and parsed not in _V6_GLOBAL_UNICAST:
            flags.add("reserved")
    return frozenset(flags or {"global"})


def is_public(address: str | IPAddress) -> bool:
    """Return True if ``address`` is globally routable unicast (flag ``global``).

    Raises ``InvalidIndicator`` if ``address`` is a string that is not a valid address.
    """
    return "global" in ip_flags(address)


def _loose_number(text: str) -> int | None:
    lowered = text.lower()
    try:
        if lowered.startswith("0x"):
            value = int(lowered[2:], 16)
        elif len(lowered) > 1 and lowered.startswith("0"):
            value = int(lowered, 8)
        else:
            value = int(lowered, 10)
    except ValueError:
        return None
    return value if value <= 0xFFFFFFFF else None


def parse_ipv4_loose(host: str) -> IPv4Address | None:
    """Return the IPv4 address a legacy resolver reads in ``host``, or None if it is not one.

    Accepts what ``inet_aton`` and Safe Browsing accept: one to four parts, each decimal, octal
    (leading 0) or hex (0x); the last part fills the remaining bytes (``276.2.3`` -> 20.2.0.3,
    ``3279880203`` -> 195.127.0.11). As in Google's reference client, a non-last part keeps only
    its low byte. Never raises.
    """
    if not _LOOSE_IPV4.fullmatch(host):
        return None
    parts = host.split(".")
    if len(parts) > 4:
        return None
    numbers = [_loose_number(part) for part in parts]
    value = 0
    for number in numbers[:-1]:
        if number is None:
            return None
        value = (value << 8) | (number & 0xFF)
    last, spare_bytes = numbers[-1], 5 - len(parts)
    if last is None:
        return None
    value = (value << (8 * spare_bytes)) | (last & ((1 << (8 * spare_bytes)) - 1))
    return IPv4Address(value)
