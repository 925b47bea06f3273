"""``cgnat``: CGNAT port-block allocations, as CSV or as a vendor's syslog lines.

CSV: ``start,end,public_ip,port_from,port_to,inside_ip`` (ISO 8601; declared UTC like the
lease CSV; an empty end = still allocated). Syslog: each line is offered to the vendor
parsers in ``VENDORS``; a line none of them claims is other traffic (skipped). The lines
of one block (public address, ports, inside address) become intervals as RADIUS sessions
do (``sessions``): allocation opens, an interim line keeps open, release closes; a
release without its allocation is reported, since when the block was taken is unknown.

Adding a vendor: a module like ``cgnat_juniper`` with ``parse_line(line) -> BlockLine |
None`` (raising ``ValueError`` for its own message in a bad shape), and a line here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

import pyarrow as pa

from cleannet.core.errors import InvalidIndicator
from cleannet.engines.matching.leases import cgnat_juniper
from cleannet.engines.matching.leases.cgnat_lines import BlockLine, syslog_time
from cleannet.engines.matching.leases.csv_leases import BadRow, read_address, read_interval
from cleannet.engines.matching.leases.csvfiles import CsvRow, read_csv_rows
from cleannet.engines.matching.leases.inputs import canonical_ip, format_name, open_text
from cleannet.engines.matching.leases.sessions import Mark, fold_sessions
from cleannet.engines.matching.leases.tables import BlockRows, empty_leases
from cleannet.engines.matching.schema import ReadSummary

__all__ = ["VENDORS", "read_cgnat"]

VENDORS: dict[str, Callable[[str], BlockLine | None]] = {
    "juniper": cgnat_juniper.parse_line,
}
_CSV_COLUMNS = ("start", "end", "public_ip", "port_from", "port_to", "inside_ip")
_MAX_PORT = 65535


def _ports(first: int, last: int) -> tuple[int, int]:
    if not 0 <= first <= last <= _MAX_PORT:
        raise ValueError(f"port range {first}-{last} is not within 0-65535, low to high")
    return first, last


def _csv_block(row: CsvRow) -> tuple[tuple[str, int, int, str], int, int | None]:
    try:
        first, last = _ports(int(row.get("port_from")), int(row.get("port_to")))
    except ValueError as error:
        raise BadRow(f"ports: {error}") from None
    public, inside = read_address(row, "public_ip"), read_address(row, "inside_ip")
    return (public, first, last, inside), *read_interval(row)


def _read_csv(path: Path, summary: ReadSummary, blocks: BlockRows) -> None:
    required = (*_CSV_COLUMNS[:1], *_CSV_COLUMNS[2:])
    for row in read_csv_rows(path, _CSV_COLUMNS, required, summary):
        try:
            block, start, end = _csv_block(row)
        except BadRow as error:
            summary.reject(row.source, row.line, str(error), row.text)
            continue
        summary.used += 1
        blocks.add(block, start, end, f"{row.source}:{row.line}")


def _claimed(line: str) -> BlockLine | None:
    for parse in VENDORS.values():
        found = parse(line)
        if found is not None:
            return found
    return None


def _address(raw: str) -> str:
    try:
        return canonical_ip(raw)
    except InvalidIndicator as error:
        raise ValueError(f"address {raw!r}: {error.reason}") from None


def _mark(found: BlockLine, tz: dt.tzinfo | None, evidence: str) -> Mark:
    ports = _ports(found.port_from, found.port_to)
    block = (_address(found.public_ip), *map(str, ports), _address(found.inside_ip))
    at = syslog_time(found.prefix, tz, evidence.rpartition(":")[0])
    return Mark(block, found.step, at, block, evidence)


def _read_syslog(
    path: Path, tz: dt.tzinfo | None, summary: ReadSummary, marks: list[Mark]
) -> dict[str, str]:
    """Add the marks of one syslog file; return evidence → text of its lines."""
    texts: dict[str, str] = {}
    with open_text(path) as stream:
        for number, raw in enumerate(stream, 1):
            line, evidence = raw.rstrip("\r\n"), f"{path.name}:{number}"
            summary.read += 1
            try:
                found = _claimed(line)
                mark = None if found is None else _mark(found, tz, evidence)
            except ValueError as error:
                summary.reject(path.name, number, str(error), line)
                continue
            if mark is None:
                summary.skipped += 1
                continue
            summary.used += 1
            marks.append(mark)
            texts[evidence] = line
    return texts


def _is_csv(path: Path) -> bool:
    if format_name(path) == ".csv":
        return True
    with open_text(path) as stream:
        for line in stream:
            if line.strip() and not line.startswith("#"):
                return "public_ip" in line.lower() and "," in line
    return False


def read_cgnat(
    paths: Sequence[Path], tz: dt.tzinfo | None, summary: ReadSummary
) -> tuple[pa.Table, pa.Table]:
    """Return an empty ``LEASE`` table and the ``CGNAT_BLOCK`` table of the files.

    Raises ``NeedsTimezone`` for a syslog time without an offset when ``tz`` is None.
    """
    blocks, marks, texts = BlockRows(), list[Mark](), dict[str, str]()
    for path in paths:
        if _is_csv(path):
            _read_csv(path, summary, blocks)
        else:
            texts.update(_read_syslog(path, tz, summary, marks))
    intervals, orphans = fold_sessions(marks)
    for interval in intervals:
        public, first, last, inside = interval.holding
        block = (public, int(first), int(last), inside)
        blocks.add(block, interval.start, interval.end, interval.evidence)
    for orphan in orphans:
        source, _, line = orphan.evidence.rpartition(":")
        summary.used -= 1
        reason = "a release without its allocation: when the block was taken is unknown"
        summary.reject(source, int(line), reason, texts[orphan.evidence])
    return empty_leases(), blocks.table()
