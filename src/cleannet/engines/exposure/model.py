"""The records an exposure scan produces: findings, port states and the scan's summary.

A ``Finding`` is one thing a probe saw on one service, named with the Shadowserver scan report
type it would appear under (``scan_http``, ``scan_ssl``, ``scan_redis`` …) so that our own
scans and Shadowserver's reports land in the same place. Every record is immutable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Literal

__all__ = [
    "SEVERITIES",
    "DetailValue",
    "Finding",
    "PortResult",
    "PortState",
    "Refusal",
    "ScanResult",
    "Severity",
    "Target",
    "Transport",
    "utc_now",
]

Transport = Literal["tcp", "udp"]
Severity = Literal["info", "low", "medium", "high", "critical"]
SEVERITIES: tuple[Severity, ...] = ("info", "low", "medium", "high", "critical")
DetailValue = str | int | bool


def utc_now() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Target:
    """One service to probe: an address, a port and the name it was asked for (SNI, Host)."""

    ip: str
    port: int
    hostname: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """What a probe saw on one service.

    ``report_type`` is the Shadowserver scan type (``scan_http``); ``tag`` says what is wrong or
    notable in a word (``open-redis``, ``ssl-expired``, ``ssl-self-signed``, ``ssl-tls10``);
    ``banner`` is already cut to the probe's byte cap and decoded with replacement.
    """

    report_type: str
    ip: str
    port: int
    transport: Transport = "tcp"
    product: str = ""
    version: str = ""
    banner: str = ""
    tag: str = ""
    severity: Severity = "info"
    details: Mapping[str, DetailValue] = field(default_factory=dict)
    observed_at: datetime = field(default_factory=utc_now)


class PortState(StrEnum):
    """What a TCP connect attempt answered: a handshake, a reset, or nothing in time."""

    OPEN = "open"
    CLOSED = "closed"
    FILTERED = "filtered"


@dataclass(frozen=True, slots=True)
class PortResult:
    """The state of one port of one address, as the connect scan saw it."""

    ip: str
    port: int
    state: PortState
    transport: Transport = "tcp"
    observed_at: datetime = field(default_factory=utc_now)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A target the scanner refused before sending any packet, and why."""

    target: str
    reason: str


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything one scan produced, in the order it was seen."""

    ports: tuple[PortResult, ...] = ()
    findings: tuple[Finding, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    @property
    def open_ports(self) -> tuple[PortResult, ...]:
        """The ports that completed a handshake."""
        return tuple(p for p in self.ports if p.state is PortState.OPEN)
