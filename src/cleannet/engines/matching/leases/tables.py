"""Rows collected by the lease readers, built into the ``LEASE`` and ``CGNAT_BLOCK`` tables."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from cleannet.engines.matching.schema import CGNAT_BLOCK, LEASE, UTC_TIME

__all__ = ["BlockRows", "LeaseRows", "empty_blocks", "empty_leases", "times"]


def times(values: list[int | None]) -> pa.Array:
    """Return microseconds since the epoch (None for open ends) as a UTC timestamp array."""
    return pa.array(values, pa.int64()).cast(UTC_TIME)


@dataclass
class LeaseRows:
    """Lease intervals as they are found; an interval found twice (a renewal written again,
    a retransmitted Stop) is kept once, with the evidence of its first sighting."""

    subscriber: list[str] = field(default_factory=list)
    ip: list[str] = field(default_factory=list)
    start: list[int] = field(default_factory=list)
    end: list[int | None] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str, int, int | None]] = field(default_factory=set)

    def add(self, subscriber: str, ip: str, start: int, end: int | None, evidence: str) -> None:
        key = (subscriber, ip, start, end)
        if key in self._seen:
            return
        self._seen.add(key)
        self.subscriber.append(subscriber)
        self.ip.append(ip)
        self.start.append(start)
        self.end.append(end)
        self.evidence.append(evidence)

    def table(self) -> pa.Table:
        """Return the rows as a ``LEASE`` table, in the order they were added."""
        return pa.Table.from_arrays(
            [
                pa.array(self.subscriber, pa.string()),
                pa.array(self.ip, pa.string()),
                times(list(self.start)),
                times(self.end),
                pa.array(self.evidence, pa.string()),
            ],
            schema=LEASE,
        )


@dataclass
class BlockRows:
    """CGNAT port-block allocations as they are found, each distinct one kept once."""

    rows: list[tuple[str, int, int, str, int, int | None, str]] = field(default_factory=list)
    _seen: set[tuple[str, int, int, str, int, int | None]] = field(default_factory=set)

    def add(
        self,
        block: tuple[str, int, int, str],
        start: int,
        end: int | None,
        evidence: str,
    ) -> None:
        """Add ``block`` = (public_ip, port_from, port_to, inside_ip) held [start, end)."""
        key = (*block, start, end)
        if key in self._seen:
            return
        self._seen.add(key)
        self.rows.append((*key, evidence))

    def table(self) -> pa.Table:
        """Return the rows as a ``CGNAT_BLOCK`` table, in the order they were added."""
        columns = list(zip(*self.rows, strict=True)) if self.rows else [()] * 7
        public_ip, port_from, port_to, inside_ip, start, end, evidence = columns
        return pa.Table.from_arrays(
            [
                pa.array(public_ip, pa.string()),
                pa.array(port_from, pa.int32()),
                pa.array(port_to, pa.int32()),
                pa.array(inside_ip, pa.string()),
                times(list(start)),
                times(list(end)),
                pa.array(evidence, pa.string()),
            ],
            schema=CGNAT_BLOCK,
        )


def empty_leases() -> pa.Table:
    return LEASE.empty_table()


def empty_blocks() -> pa.Table:
    return CGNAT_BLOCK.empty_table()
