"""Where the leases contradict each other: one address held by two subscribers at once.

A report, never a correction: attribution then calls records in those times "overlapping
leases" instead of choosing a subscriber.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from itertools import groupby

import pyarrow as pa

from cleannet.engines.matching.leases.tables import times
from cleannet.engines.matching.schema import UTC_TIME

__all__ = ["LEASE_PROBLEM", "lease_problems"]

LEASE_PROBLEM = pa.schema(
    [
        pa.field("ip", pa.string(), nullable=False),
        pa.field("subscribers", pa.string(), nullable=False),  # ";"-joined, sorted
        pa.field("start", UTC_TIME, nullable=False),  # when the overlap begins
        pa.field("end", UTC_TIME),  # when it ends (exclusive); null: still overlapping
    ]
)

Lease = tuple[str, int, int | None]  # subscriber, start, end (microseconds)
Overlap = tuple[frozenset[str], int, int | None]


def _changes(leases: list[Lease]) -> list[tuple[int, int, str]]:
    # At one instant an end (-1) comes before a start (+1): ends are exclusive, so a lease
    # ending at 10:00 and the next starting at 10:00 do not overlap.
    changes = [(start, 1, subscriber) for subscriber, start, _ in leases]
    changes += [(end, -1, subscriber) for subscriber, _, end in leases if end is not None]
    return sorted(changes, key=lambda change: (change[0], change[1]))


def _overlaps(leases: list[Lease]) -> Iterator[Overlap]:
    """Yield the maximal stretches in which two or more subscribers hold the address."""
    holding: Counter[str] = Counter()
    current: tuple[frozenset[str], int] | None = None
    for at, group in groupby(_changes(leases), key=lambda change: change[0]):
        for _, step, subscriber in group:
            holding[subscriber] += step
        holders = frozenset(name for name, count in holding.items() if count > 0)
        if current is not None and current[0] != holders:
            yield current[0], current[1], at
            current = None
        if current is None and len(holders) > 1:
            current = (holders, at)
    if current is not None:
        yield current[0], current[1], None


def lease_problems(leases: pa.Table) -> pa.Table:
    """Return a ``LEASE_PROBLEM`` row per stretch in which one address was held by two or
    more different subscribers (``leases`` in the ``LEASE`` schema), sorted by ip and start.

    One subscriber's own overlapping leases (renewals) are no problem and are not listed.
    """
    ordered = leases.sort_by([("ip", "ascending"), ("start", "ascending")])
    ips = ordered["ip"].to_pylist()
    rows = zip(
        ordered["subscriber"].to_pylist(),
        ordered["start"].cast(pa.int64()).to_pylist(),
        ordered["end"].cast(pa.int64()).to_pylist(),
        strict=True,
    )
    found: list[tuple[str, str, int, int | None]] = []
    for ip, group in groupby(zip(ips, rows, strict=True), key=lambda pair: pair[0]):
        for holders, start, end in _overlaps([lease for _, lease in group]):
            found.append((ip, ";".join(sorted(holders)), start, end))
    columns = list(zip(*found, strict=True)) if found else [(), (), (), ()]
    return pa.Table.from_arrays(
        [
            pa.array(columns[0], pa.string()),
            pa.array(columns[1], pa.string()),
            times(list(columns[2])),
            times(list(columns[3])),
        ],
        schema=LEASE_PROBLEM,
    )
