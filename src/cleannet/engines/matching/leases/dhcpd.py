"""``dhcpd``: ISC ``dhcpd.leases`` (DHCPv4 ``lease`` and DHCPv6 ``ia-na``/``ia-ta`` blocks).

The file is append-only: every renewal writes the lease again, so each ``binding state
active`` entry is its own interval [starts, ends) (``ends never``: no end). Entries in
any other state (free, released, expired, abandoned, backup, reset) are not holdings and
are counted as skipped; but one whose ``ends`` falls inside the address's latest active
interval ends that interval there, since dhcpd writes a release with ``ends`` = the
release time — otherwise the next holder of the address would look like an overlap.

The subscriber, first found of: ``set subscriber-id = "…"`` (an ISP that names its
subscribers in dhcpd.conf), ``option agent.remote-id`` (DHCP option 82 from the access
node: the line, which outlives any one device; kept only with ``stash-agent-options``),
``hardware ethernet`` (lower case). DHCPv6: the DUID of the IA (hex, ``:``-separated as
Kea writes it). Counted per top-level block or statement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.leases.dhcpd_blocks import Block, lease_time, read_blocks, unescape
from cleannet.engines.matching.leases.inputs import canonical_ip
from cleannet.engines.matching.leases.tables import LeaseRows, empty_blocks
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["read_dhcpd"]

_SUBSCRIBER_KEYS = ("set subscriber-id", "option agent.remote-id", "hardware ethernet")
_ADDRESS_BLOCKS = {"ia-na", "ia-ta"}


class _BadBlock(ValueError):
    pass


@dataclass
class _Holding:
    subscriber: str
    ip: str
    start: int
    end: int | None
    evidence: str


@dataclass
class _Leases:
    """The holdings found so far, with each address's latest one (a release may end it)."""

    holdings: list[_Holding]
    latest: dict[str, _Holding]

    def hold(self, holding: _Holding) -> None:
        self.holdings.append(holding)
        self.latest[holding.ip] = holding

    def release(self, ip: str, at: int | None) -> None:
        holding = self.latest.get(ip)
        if holding is None or at is None:
            return
        if holding.start <= at and (holding.end is None or at < holding.end):
            holding.end = at
            del self.latest[ip]


def _value_text(key: str, value: str) -> str:
    value = value.removeprefix("=").strip()
    if value.startswith('"'):
        return unescape(value).decode("utf-8", "replace")
    return value.lower()


def _subscriber(block: Block) -> str:
    for key in _SUBSCRIBER_KEYS:
        value = block.statements.get(key, "")
        if value.strip():
            return _value_text(key, value)
    raise _BadBlock("has no hardware ethernet, agent.remote-id or subscriber-id")


def _address(raw: str) -> str:
    try:
        return canonical_ip(raw.strip('"'))
    except InvalidIndicator as error:
        raise _BadBlock(f"address {raw!r}: {error.reason}") from None


def _time(block: Block, key: str) -> int | None:
    if key not in block.statements:
        raise _BadBlock(f"has no {key}")
    try:
        return lease_time(block.statements[key])
    except ValueError as error:
        raise _BadBlock(f"{key}: {error}") from None


def _interval(block: Block, start_key: str) -> tuple[int, int | None]:
    start, end = _time(block, start_key), _time(block, "ends")
    if start is None:
        raise _BadBlock(f"{start_key} never")
    if end is not None and end < start:
        raise _BadBlock("ends before it starts")
    return start, end


def _lease(block: Block, leases: _Leases) -> bool:
    """Take a v4 lease; return False if it is not a holding. Raises ``_BadBlock``."""
    ip = _address(block.name)
    if block.statements.get("binding state", "active") != "active":
        leases.release(ip, _time(block, "ends") if "ends" in block.statements else None)
        return False
    start, end = _interval(block, "starts")
    leases.hold(_Holding(_subscriber(block), ip, start, end, f"{block.source}:{block.line}"))
    return True


def _duid(block: Block) -> str:
    identity = unescape(block.name)
    if len(identity) < 5:
        raise _BadBlock("its IA identifier is too short to hold a DUID")
    return ":".join(f"{byte:02x}" for byte in identity[4:])  # IAID (4 bytes), then DUID


def _ia(block: Block, leases: _Leases) -> bool:
    """Take a v6 ``ia-na``/``ia-ta``; return False if no address in it is held."""
    subscriber, held = _duid(block), False
    for child in block.children:
        if child.kind != "iaaddr":
            continue
        ip = _address(child.name)
        if child.statements.get("binding state", "active") != "active":
            leases.release(ip, _time(child, "ends") if "ends" in child.statements else None)
            continue
        child.statements.setdefault("starts", block.statements.get("cltt", "never"))
        start, end = _interval(child, "starts")
        leases.hold(_Holding(subscriber, ip, start, end, f"{block.source}:{child.line}"))
        held = True
    return held


def _take(block: Block, leases: _Leases) -> bool:
    if not block.closed:
        raise _BadBlock("is cut short: the file ends before its closing }")
    if block.kind == "lease":
        return _lease(block, leases)
    if block.kind in _ADDRESS_BLOCKS:
        return _ia(block, leases)
    if block.kind == "ia-pd":
        raise _BadBlock("is a delegated prefix; a lease here holds one address")
    return False


def _read_file(path: Path, summary: ReadSummary, leases: _Leases) -> None:
    for item in read_blocks(path):
        summary.read += 1
        if isinstance(item, tuple):
            summary.skipped += 1
            continue
        try:
            held = _take(item, leases)
        except _BadBlock as error:
            summary.reject(item.source, item.line, f"{item.kind} {error}", item.sample())
            continue
        if held:
            summary.used += 1
        else:
            summary.skipped += 1


def read_dhcpd(
    paths: Sequence[Path], tz: dt.tzinfo | None, summary: ReadSummary
) -> tuple[pa.Table, pa.Table]:
    """Return the ``LEASE`` table of the lease files (times are UTC there: ``tz`` unused).

    Files are read in the order given, so give rotated files oldest first.
    """
    leases = _Leases([], {})
    for path in paths:
        _read_file(path, summary, leases)
    rows = LeaseRows()
    for holding in leases.holdings:
        if holding.end is None or holding.end > holding.start:
            rows.add(holding.subscriber, holding.ip, holding.start, holding.end, holding.evidence)
    return rows.table(), empty_blocks()
