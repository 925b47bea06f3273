"""``radius``: FreeRADIUS accounting ``detail`` files → who held which address when.

Each Start / Interim-Update (or its old name Alive) / Stop record with an address is a
mark on the session (NAS, Acct-Session-Id, address); ``sessions`` turns the marks into
intervals. The subscriber is the ``User-Name``. A Stop without its Start reaches back
``Acct-Session-Time`` seconds; without that, its start is unknown and it is reported.

Counted per record: ``used`` (it marked a session), ``skipped`` (Accounting-On/Off and
other types, or no address: a record of no interest), ``bad`` (no User-Name, no
Acct-Session-Id, an invalid or placeholder address, no readable time, an orphan Stop).
``Framed-IP-Address`` and ``Framed-IPv6-Address`` each make a holding; a delegated
prefix (``Delegated-IPv6-Prefix``) does not, since a lease holds one address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.leases.inputs import canonical_ip, seconds_micros
from cleannet.engines.matching.leases.radius_records import (
    RadiusRecord,
    read_records,
    record_time,
)
from cleannet.engines.matching.leases.sessions import Mark, Step, fold_sessions
from cleannet.engines.matching.leases.tables import LeaseRows, empty_blocks
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["read_radius"]

_STEPS = {
    "start": Step.OPEN,
    "1": Step.OPEN,
    "stop": Step.CLOSE,
    "2": Step.CLOSE,
    "interim-update": Step.UPDATE,
    "alive": Step.UPDATE,
    "3": Step.UPDATE,
}
_ADDRESS_ATTRIBUTES = ("Framed-IP-Address", "Framed-IPv6-Address")
# What a NAS writes when it has no address to report (RFC 2865 5.8), never a holding.
_PLACEHOLDERS = {"0.0.0.0", "255.255.255.255", "255.255.255.254", "::"}  # noqa: S104


class _BadRecord(ValueError):
    pass


def _addresses(record: RadiusRecord) -> list[str]:
    found = []
    for name in _ADDRESS_ATTRIBUTES:
        raw = record.attributes.get(name)
        if raw is None:
            continue
        try:
            address = canonical_ip(raw)
        except InvalidIndicator as error:
            raise _BadRecord(f"{name} {raw!r}: {error.reason}") from None
        if address in _PLACEHOLDERS:
            raise _BadRecord(f"{name} {raw!r} is a placeholder, not an assigned address")
        found.append(address)
    return found


def _required(record: RadiusRecord, name: str) -> str:
    value = record.attributes.get(name, "").strip()
    if not value:
        raise _BadRecord(f"has no {name}")
    return value


def _since(record: RadiusRecord, step: Step, at: int) -> int | None:
    lasted = record.attributes.get("Acct-Session-Time", "").strip()
    if step is not Step.CLOSE or not lasted.isdigit():
        return None
    return at - seconds_micros(int(lasted))


def _marks(record: RadiusRecord, step: Step, tz: dt.tzinfo | None) -> list[Mark]:
    """Return the record's marks, one per address. Raises ``_BadRecord`` naming why not."""
    user = _required(record, "User-Name")
    session = _required(record, "Acct-Session-Id")
    try:
        at = record_time(record, tz)
    except ValueError as error:
        raise _BadRecord(f"has an unreadable time: {error}") from None
    if at is None:
        raise _BadRecord("has no readable Event-Timestamp, Timestamp or header time")
    nas = record.attributes.get("NAS-IP-Address") or record.attributes.get("NAS-Identifier", "")
    evidence = f"{record.source}:{record.line}"
    return [
        Mark((nas, session, ip), step, at, (user, ip), evidence, _since(record, step, at))
        for ip in _addresses(record)
    ]


def _collect(
    path: Path, tz: dt.tzinfo | None, summary: ReadSummary, marks: list[Mark]
) -> dict[str, RadiusRecord]:
    """Add the marks of one file; return its Stop records that may turn out orphans."""
    stops: dict[str, RadiusRecord] = {}
    for record in read_records(path):
        summary.read += 1
        step = _STEPS.get(record.attributes.get("Acct-Status-Type", "").strip().lower())
        if step is None or not any(name in record.attributes for name in _ADDRESS_ATTRIBUTES):
            summary.skipped += 1
            continue
        try:
            found = _marks(record, step, tz)
        except _BadRecord as error:
            summary.reject(record.source, record.line, str(error), record.sample())
            continue
        summary.used += 1
        marks.extend(found)
        if step is Step.CLOSE and found and found[0].since is None:
            stops[found[0].evidence] = record
    return stops


def read_radius(
    paths: Sequence[Path], tz: dt.tzinfo | None, summary: ReadSummary
) -> tuple[pa.Table, pa.Table]:
    """Return the ``LEASE`` table of the detail files (and an empty ``CGNAT_BLOCK`` one).

    Raises ``NeedsTimezone`` when a record's only time is its header and ``tz`` is None.
    """
    marks: list[Mark] = []
    stops: dict[str, RadiusRecord] = {}
    for path in paths:
        stops.update(_collect(path, tz, summary, marks))
    intervals, orphans = fold_sessions(marks)
    rows = LeaseRows()
    for interval in intervals:
        user, ip = interval.holding
        rows.add(user, ip, interval.start, interval.end, interval.evidence)
    for evidence in dict.fromkeys(orphan.evidence for orphan in orphans):
        record = stops[evidence]
        summary.used -= 1
        reason = "a Stop without its Start or Acct-Session-Time: when it began is unknown"
        summary.reject(record.source, record.line, reason, record.sample())
    return rows.table(), empty_blocks()
