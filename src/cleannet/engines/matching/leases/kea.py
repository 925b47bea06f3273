"""``kea``: Kea DHCP memfile lease CSV files, v4 and v6 (told apart by the header).

v4: ``address,hwaddr,client_id,valid_lifetime,expire,subnet_id,…,state,…``; v6:
``address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,prefix_len,…``.
A row holds [expire - valid_lifetime, expire); a valid lifetime of 0xFFFFFFFF is infinite
(no end). The subscriber is ``hwaddr`` (v4; ``client_id`` when there is none) or ``duid``
(v6), lower case.

The file is append-only, every update a new row, so each row is its own interval (an
identical one is kept once). What holds: state 0 (default) and 2 (expired-reclaimed:
the lease did run its course, and after Kea's lease file cleanup that row may be the only
one left). What does not, counted as skipped: state 1 (declined: the address was in use
by someone unknown, no client held it), other states, and a valid lifetime of 0 (how Kea
writes a deleted lease; its ``expire`` is the last transaction, not the deletion, so it
cannot shorten the earlier row). A v6 delegated prefix (lease_type 2) is reported, since
a lease here holds one address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.leases.inputs import (
    canonical_ip,
    csv_rows,
    open_text,
    seconds_micros,
)
from cleannet.engines.matching.leases.tables import LeaseRows, empty_blocks
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["read_kea"]

_HOLDING_STATES = {"0", "2"}
_INFINITE = 0xFFFFFFFF
_PREFIX_DELEGATION = "2"


class _BadRow(ValueError):
    pass


def _number(row: dict[str, str], name: str) -> int:
    text = row.get(name, "").strip()
    if not text.isdigit():
        raise _BadRow(f"{name} {text!r} is not a whole number")
    return int(text)


def _subscriber(row: dict[str, str]) -> str:
    names = ("duid",) if "duid" in row else ("hwaddr", "client_id")
    for name in names:
        value = row.get(name, "").strip()
        if value:
            return value.lower()
    raise _BadRow(f"has no {' or '.join(names)}")


def _holding(row: dict[str, str]) -> tuple[str, str, int, int | None] | None:
    """Return (subscriber, ip, start, end) of a row that holds, None for one that does not.

    Raises ``_BadRow`` naming what is wrong.
    """
    lifetime, expire = _number(row, "valid_lifetime"), _number(row, "expire")
    if row.get("lease_type", "0").strip() == _PREFIX_DELEGATION:
        raise _BadRow("is a delegated prefix; a lease here holds one address")
    if lifetime == 0 or row.get("state", "0").strip() not in _HOLDING_STATES:
        return None
    try:
        ip = canonical_ip(row.get("address", ""))
    except InvalidIndicator as error:
        raise _BadRow(f"address: {error.reason}") from None
    start = seconds_micros(expire - lifetime)
    end = None if lifetime == _INFINITE else seconds_micros(expire)
    return _subscriber(row), ip, start, end


def _read_file(path: Path, summary: ReadSummary, rows: LeaseRows) -> None:
    with open_text(path) as stream:
        lines = csv_rows(stream)
        _, first = next(lines, (0, []))
        header = [name.strip().lower() for name in first or []]
        if not header:
            return
        if "address" not in header or "expire" not in header:
            summary.read += 1
            summary.reject(path.name, 1, "is not a Kea lease file header", ",".join(header))
            return
        for number, cells in lines:
            _read_row(path.name, number, header, cells, summary, rows)


def _read_row(
    source: str,
    number: int,
    header: list[str],
    cells: list[str] | None,
    summary: ReadSummary,
    rows: LeaseRows,
) -> None:
    summary.read += 1
    if cells is None:
        summary.reject(source, number, "is not a readable CSV row", "")
        return
    if not any(cell.strip() for cell in cells):
        summary.skipped += 1
        return
    if len(cells) != len(header):
        reason = f"has {len(cells)} fields, the header {len(header)}"
        summary.reject(source, number, reason, ",".join(cells))
        return
    try:
        held = _holding(dict(zip(header, cells, strict=True)))
    except _BadRow as error:
        summary.reject(source, number, str(error), ",".join(cells))
        return
    if held is None:
        summary.skipped += 1
        return
    summary.used += 1
    rows.add(*held, f"{source}:{number}")


def read_kea(
    paths: Sequence[Path], tz: dt.tzinfo | None, summary: ReadSummary
) -> tuple[pa.Table, pa.Table]:
    """Return the ``LEASE`` table of Kea lease files (Unix times: ``tz`` unused)."""
    rows = LeaseRows()
    for path in paths:
        _read_file(path, summary, rows)
    return rows.table(), empty_blocks()
