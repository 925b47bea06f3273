"""The scan authority: which networks and names the authority may scan, until when, how fast.

``check_address`` and ``check_hostname`` decide before any packet is sent and raise
``OutOfScope`` with the reason: outside the networks, opted out, authority expired, a name not
in the scope, or a name whose addresses fall outside. A scope wider than ``MAX_PREFIX`` (IPv4
/16, IPv6 /48) is refused at load unless it says ``allow_wide = true``.
"""

from __future__ import annotations

import ipaddress
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cleannet.core.errors import CleanNetError, InvalidValue

__all__ = [
    "MAX_PREFIX",
    "IPNetwork",
    "OutOfScope",
    "Scope",
    "ScopeError",
    "check_address",
    "check_authority",
    "check_hostname",
    "load_scope",
    "load_scope_toml",
]

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
MAX_PREFIX = {4: 16, 6: 48}
Resolver = Callable[[str], Iterable[str]]


class ScopeError(InvalidValue):
    """A scope definition with a missing or malformed field (``field`` names it)."""


class OutOfScope(CleanNetError):
    """A target the scope does not allow; nothing was sent to it."""

    def __init__(self, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(f"{target}: out of scope: {reason}")


@dataclass(frozen=True, slots=True)
class Scope:
    """Who may be scanned: networks and names, the owner, who approved it and until when."""

    name: str
    networks: tuple[IPNetwork, ...]
    owner: str
    approved_by: str
    approved_until: date
    hostnames: tuple[str, ...] = ()
    rate_per_second: float = 100.0
    opt_out_networks: tuple[IPNetwork, ...] = ()
    opt_out_hostnames: tuple[str, ...] = ()
    allow_wide: bool = False


def _in_any(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, nets: Iterable[IPNetwork]
) -> bool:
    return any(address.version == net.version and address in net for net in nets)


def check_authority(scope: Scope, target: str, today: date) -> None:
    """Raise ``OutOfScope`` for ``target`` when the scope's authority has run out on ``today``."""
    if today > scope.approved_until:
        raise OutOfScope(
            target, f"the authority of scope {scope.name!r} expired on {scope.approved_until}"
        )


def check_address(scope: Scope, ip: str, today: date) -> str:
    """Return ``ip`` normalised when ``scope`` allows it on ``today``; raise ``OutOfScope``."""
    check_authority(scope, ip, today)
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        raise OutOfScope(ip, "not an IP address") from None
    if not _in_any(address, scope.networks):
        raise OutOfScope(ip, f"outside the networks of scope {scope.name!r}")
    if _in_any(address, scope.opt_out_networks):
        raise OutOfScope(ip, "its network opted out of scanning")
    return str(address)


def _name_matches(name: str, patterns: Iterable[str]) -> bool:
    """``*.example.vn`` matches names under it (not itself); other patterns match exactly."""
    for pattern in patterns:
        if pattern.startswith("*.") and name.endswith(pattern[1:]):
            return True
        if name == pattern:
            return True
    return False


def check_hostname(scope: Scope, hostname: str, today: date, resolve: Resolver) -> list[str]:
    """Return the addresses of ``hostname`` when the name and every address are in scope.

    ``resolve`` asks DNS (a query to a resolver, never to the target). Raises ``OutOfScope``
    when the name is not listed, opted out, does not resolve, or any address is outside.
    """
    check_authority(scope, hostname, today)
    name = hostname.rstrip(".").lower()
    if not _name_matches(name, scope.hostnames):
        raise OutOfScope(hostname, f"not a name of scope {scope.name!r}")
    if _name_matches(name, scope.opt_out_hostnames):
        raise OutOfScope(hostname, "the name opted out of scanning")
    addresses = sorted(set(resolve(name)))
    if not addresses:
        raise OutOfScope(hostname, "the name does not resolve")
    for ip in addresses:
        try:
            check_address(scope, ip, today)
        except OutOfScope as refused:
            raise OutOfScope(hostname, f"it resolves to {ip}, {refused.reason}") from None
    return addresses


# --- loading --------------------------------------------------------------------------------


def _required(data: Mapping[str, object], key: str) -> object:
    if key not in data or data[key] in ("", None):
        raise ScopeError(key, data.get(key), "is required")
    return data[key]


def _text(data: Mapping[str, object], key: str) -> str:
    value = _required(data, key)
    if not isinstance(value, str):
        raise ScopeError(key, value, "must be text")
    return value.strip()


def _list(data: Mapping[str, object], key: str) -> list[str]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ScopeError(key, value, "must be a list of text")
    return [str(v).strip() for v in value]


def _networks(data: Mapping[str, object], key: str, allow_wide: bool) -> tuple[IPNetwork, ...]:
    networks = []
    for text in _list(data, key):
        try:
            net = ipaddress.ip_network(text, strict=True)
        except ValueError as error:
            raise ScopeError(key, text, str(error)) from None
        limit = MAX_PREFIX[net.version]
        if key == "networks" and net.prefixlen < limit and not allow_wide:
            raise ScopeError(key, text, f"wider than /{limit}; set allow_wide = true to mean it")
        networks.append(net)
    return tuple(networks)


def _approved_until(data: Mapping[str, object]) -> date:
    value = _required(data, "approved_until")
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ScopeError("approved_until", value, "must be a date YYYY-MM-DD") from None


def _rate(data: Mapping[str, object]) -> float:
    value = data.get("rate_per_second", 100.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100_000:
        raise ScopeError("rate_per_second", value, "must be a number above 0 and at most 100000")
    return float(value)


def load_scope(data: Mapping[str, object]) -> Scope:
    """Build a ``Scope`` from a mapping (a TOML table); raise ``ScopeError`` naming the field."""
    allow_wide = data.get("allow_wide", False)
    if not isinstance(allow_wide, bool):
        raise ScopeError("allow_wide", allow_wide, "must be true or false")
    networks = _networks(data, "networks", allow_wide)
    hostnames = tuple(h.rstrip(".").lower() for h in _list(data, "hostnames"))
    if not networks:
        raise ScopeError("networks", data.get("networks"), "must list at least one network")
    return Scope(
        name=_text(data, "name"),
        networks=networks,
        owner=_text(data, "owner"),
        approved_by=_text(data, "approved_by"),
        approved_until=_approved_until(data),
        hostnames=hostnames,
        rate_per_second=_rate(data),
        opt_out_networks=_networks(data, "opt_out_networks", True),
        opt_out_hostnames=tuple(h.rstrip(".").lower() for h in _list(data, "opt_out_hostnames")),
        allow_wide=allow_wide,
    )


def load_scope_toml(source: str | Path) -> Scope:
    """Load a scope from TOML text or a ``.toml`` file; raise ``ScopeError`` naming the field."""
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScopeError("toml", str(source)[:80], str(error)) from None
    table = data.get("scope", data)
    if not isinstance(table, dict):
        raise ScopeError("scope", table, "must be a table")
    return load_scope(table)
