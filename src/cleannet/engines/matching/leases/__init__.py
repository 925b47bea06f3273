"""Who held which address when: lease and CGNAT inputs → the ``LEASE`` and ``CGNAT_BLOCK``
tables, and the report of contradicting leases.

``read_leases(paths, fmt, tz=…)`` reads one format (``LEASE_FORMATS``: ``radius``,
``dhcpd``, ``kea``, ``cgnat``, ``csv``); an unknown one raises ``UnknownLeaseFormat``
naming the known ones. Times in the output are UTC; a file whose times carry no zone
needs ``tz`` and raises ``NeedsTimezone`` (naming ``--tz``) without one. Bad records are
counted in the ``ReadSummary`` (``read == used + bad + skipped``), never fatal.
``lease_problems(leases)`` lists the stretches in which two subscribers held one address.

Each module's docstring says how its format is read and what counts as a holding.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from cleannet.engines.matching.leases.cgnat import VENDORS, read_cgnat
from cleannet.engines.matching.leases.csv_leases import read_csv_leases
from cleannet.engines.matching.leases.dhcpd import read_dhcpd
from cleannet.engines.matching.leases.inputs import NeedsTimezone
from cleannet.engines.matching.leases.kea import read_kea
from cleannet.engines.matching.leases.problems import LEASE_PROBLEM, lease_problems
from cleannet.engines.matching.leases.radius import read_radius
from cleannet.engines.matching.schema import CGNAT_BLOCK, LEASE, ReadSummary

__all__ = [
    "CGNAT_VENDORS",
    "LEASE_FORMATS",
    "LEASE_PROBLEM",
    "LeaseReader",
    "LeaseTables",
    "NeedsTimezone",
    "UnknownLeaseFormat",
    "lease_problems",
    "read_leases",
]

LeaseReader = Callable[[Sequence[Path], dt.tzinfo | None, ReadSummary], tuple[pa.Table, pa.Table]]
"""Reads files of one format: (paths, tz, summary to count into) → (LEASE, CGNAT_BLOCK)."""

LEASE_FORMATS: dict[str, LeaseReader] = {
    "radius": read_radius,
    "dhcpd": read_dhcpd,
    "kea": read_kea,
    "cgnat": read_cgnat,
    "csv": read_csv_leases,
}
CGNAT_VENDORS = VENDORS


class UnknownLeaseFormat(ValueError):
    pass


@dataclass
class LeaseTables:
    """What ``read_leases`` read: ``leases`` (``LEASE``), ``cgnat`` (``CGNAT_BLOCK``; empty
    unless the format is ``cgnat``) and the counts."""

    leases: pa.Table = field(default_factory=LEASE.empty_table)
    cgnat: pa.Table = field(default_factory=CGNAT_BLOCK.empty_table)
    summary: ReadSummary = field(default_factory=ReadSummary)


def read_leases(paths: Sequence[Path], fmt: str, *, tz: dt.tzinfo | None = None) -> LeaseTables:
    """Return the holdings in ``paths`` (all of format ``fmt``), times in UTC.

    ``tz`` is the zone of times written without one (RADIUS header times, syslog lines);
    formats that are UTC by definition ignore it. Raises ``UnknownLeaseFormat`` for an
    unknown ``fmt``, ``NeedsTimezone`` for zone-less times without ``tz``, ``OSError`` for
    a file that cannot be read.
    """
    reader = LEASE_FORMATS.get(fmt)
    if reader is None:
        known = ", ".join(sorted(LEASE_FORMATS))
        raise UnknownLeaseFormat(f"{fmt!r} is not a lease format; known: {known}")
    summary = ReadSummary()
    leases, cgnat = reader(list(paths), tz, summary)
    return LeaseTables(leases, cgnat, summary)
