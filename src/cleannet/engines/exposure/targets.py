"""What to scan: target specs (an address, a network in CIDR, a hostname) and port lists,
checked against the scope before anything is sent.

``expand_targets`` returns the hosts the scope allows and a ``Refusal`` for each spec (or
opted-out part of a network) it does not.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from cleannet.engines.exposure.model import Refusal, Target
from cleannet.engines.exposure.scope import (
    OutOfScope,
    Resolver,
    Scope,
    ScopeError,
    check_address,
    check_authority,
    check_hostname,
)

__all__ = ["MAX_ADDRESSES", "Expanded", "expand_targets", "parse_ports", "system_resolver"]

MAX_ADDRESSES = 1 << 16


def parse_ports(spec: str) -> tuple[int, ...]:
    """Parse ``"22,80,8000-8010"`` into sorted distinct ports; raise ``ScopeError`` (``ports``)."""
    ports: set[int] = set()
    for part in (p.strip() for p in spec.split(",")):
        low, sep, high = part.partition("-")
        try:
            start, end = int(low), int(high if sep else low)
        except ValueError:
            raise ScopeError("ports", part, "must be a port or a range like 8000-8010") from None
        if not 1 <= start <= end <= 65535:
            raise ScopeError("ports", part, "ports run from 1 to 65535, low before high")
        ports.update(range(start, end + 1))
    return tuple(sorted(ports))


def system_resolver(name: str) -> list[str]:
    """The addresses the system resolver gives for ``name`` (empty when it gives none)."""
    try:
        infos = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return []
    return [str(info[4][0]) for info in infos]


@dataclass(slots=True)
class Expanded:
    """The hosts a scan may touch and the specs it refused."""

    hosts: list[Target] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)


def _expand_network(scope: Scope, spec: str, today: date, limit: int, out: Expanded) -> None:
    net = ipaddress.ip_network(spec, strict=False)
    if net.num_addresses > limit:
        out.refusals.append(Refusal(spec, f"more than {limit} addresses; split it"))
        return
    if not any(net.version == n.version and net.subnet_of(n) for n in scope.networks):  # type: ignore[arg-type]
        out.refusals.append(Refusal(spec, f"not inside the networks of scope {scope.name!r}"))
        return
    hosts = list(net.hosts()) if net.num_addresses > 2 else list(net)
    skipped = 0
    for address in hosts:
        try:
            out.hosts.append(Target(check_address(scope, str(address), today), 0))
        except OutOfScope:
            skipped += 1
    if skipped:
        out.refusals.append(Refusal(spec, f"{skipped} address(es) opted out of scanning"))


def expand_targets(
    scope: Scope,
    specs: Iterable[str],
    today: date,
    resolve: Resolver = system_resolver,
    max_addresses: int = MAX_ADDRESSES,
) -> Expanded:
    """Check each spec against ``scope`` on ``today``; return allowed hosts (port 0) and refusals.

    No packet is sent to any target; a hostname is resolved through ``resolve`` only.
    """
    out = Expanded()
    for raw in specs:
        spec = raw.strip()
        try:
            if "/" in spec:
                check_authority(scope, spec, today)
                _expand_network(scope, spec, today, max_addresses, out)
            elif _is_address(spec):
                out.hosts.append(Target(check_address(scope, spec, today), 0))
            else:
                for ip in check_hostname(scope, spec, today, resolve):
                    out.hosts.append(Target(ip, 0, spec.rstrip(".").lower()))
        except OutOfScope as refused:
            out.refusals.append(Refusal(spec, refused.reason))
        except ValueError as error:
            out.refusals.append(Refusal(spec, f"not an address, network or name: {error}"))
    return out


def _is_address(spec: str) -> bool:
    try:
        ipaddress.ip_address(spec)
    except ValueError:
        return False
    return True
