"""Loaders of prefix tables: IPASN dumps, RIR delegated statistics, organisation prefix CSVs.

Each ``iter_*`` reads lines one at a time and yields a ``LineEntry`` (or ``DelegatedRecord``)
per usable line and a ``LineReject`` (1-based line number, reason, raw text) per bad one,
in input order, never raising for a bad line; comments, headers and summaries yield nothing.
Each ``load_*`` collects the same into a ``Loaded``.

Formats:

- IPASN, as ``pyasn_util_convert.py`` writes it: ``prefix<TAB>asn`` lines, ``;`` comments.
  An AS set (``{64500,64501}``) and the default route are refused: neither names one holder.
- RIR delegated statistics (the "extended" layout, also the plain one): a version line,
  ``registry|*|type|*|count|summary`` lines, then
  ``registry|cc|type|start|value|date|status[|opaque-id[|…]]``. For ``ipv4`` the value is an
  address count (a range that need not be one CIDR, split into the fewest CIDRs); for
  ``ipv6`` a prefix length; for ``asn`` a count of AS numbers. Only ``allocated`` and
  ``assigned`` records are held by someone; ``available`` and ``reserved`` are skipped. The
  opaque id groups the records of one holder: it is the entry's ``owner``.
- Organisation prefixes (CSV): ``organisation,cidr,asn,valid_from,valid_until`` with an
  optional header row, ``#`` comment lines, ISO dates; an empty date leaves that end open.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from cleannet.core.errors import InvalidIndicator
from cleannet.core.indicators import MAX_ASN, normalise_cidr, normalise_ipv4, parse_asn
from cleannet.engines.feeds.attribution_addresses import address_to_int, int_to_ip, range_to_cidrs
from cleannet.engines.feeds.attribution_entries import PrefixEntry

__all__ = [
    "DelegatedRecord",
    "LineEntry",
    "LineReject",
    "Loaded",
    "iter_delegated",
    "iter_ipasn",
    "iter_org_prefixes",
    "load_delegated",
    "load_ipasn",
    "load_org_prefixes",
]

_MAX_RAW = 500  # evidence kept per rejected line
_VERSION = re.compile(r"[0-9]+(?:\.[0-9]+)*")
_HELD = frozenset({"allocated", "assigned"})
_UNHELD = frozenset({"available", "reserved"})
_DEFAULT_ROUTES = frozenset({"0.0.0.0/0", "::/0"})


@dataclass(frozen=True, slots=True)
class LineEntry:
    """A usable line and the entry it gives."""

    line: int
    entry: PrefixEntry


@dataclass(frozen=True, slots=True)
class LineReject:
    """A line that could not be used: where, why, and its text (cut to 500 characters)."""

    line: int
    reason: str
    raw: str


@dataclass
class Loaded:
    """What a loader read: the entries in input order and the rejected lines."""

    entries: list[PrefixEntry] = field(default_factory=list)
    rejects: list[LineReject] = field(default_factory=list)


def _reject(line: int, reason: str, raw: str) -> LineReject:
    text = raw.rstrip("\r\n")
    return LineReject(line, reason, text if len(text) <= _MAX_RAW else text[:_MAX_RAW] + "…")


def _collect(rows: Iterable[LineEntry | LineReject]) -> Loaded:
    loaded = Loaded()
    for row in rows:
        if isinstance(row, LineReject):
            loaded.rejects.append(row)
        else:
            loaded.entries.append(row.entry)
    return loaded


# --- IPASN ----------------------------------------------------------------------------


def _ipasn_entry(text: str) -> PrefixEntry:
    """Return the entry of one data line of an IPASN dump; raise ``InvalidIndicator``."""
    parts = text.split()
    if len(parts) != 2:
        raise InvalidIndicator("line", text, "is not a prefix and an AS number separated by a tab")
    prefix, origin = parts
    cidr = normalise_cidr(prefix)
    if cidr in _DEFAULT_ROUTES:
        raise InvalidIndicator("cidr", prefix, "is the default route, which nobody holds")
    if origin.startswith("{"):
        raise InvalidIndicator("asn", origin, "is an AS set, not one origin AS")
    return PrefixEntry(cidr, parse_asn(origin), None)


def iter_ipasn(lines: Iterable[str]) -> Iterator[LineEntry | LineReject]:
    """Yield an entry (``asn`` set, ``owner`` None, open validity) or a reject per data line."""
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text.startswith(";"):
            continue
        try:
            yield LineEntry(number, _ipasn_entry(text))
        except InvalidIndicator as error:
            yield _reject(number, str(error), raw)


def load_ipasn(lines: Iterable[str]) -> Loaded:
    """Return the entries and rejects of an IPASN dump (see ``iter_ipasn``)."""
    return _collect(iter_ipasn(lines))


# --- RIR delegated statistics ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DelegatedRecord:
    """One held record of a delegated statistics file.

    ``networks`` are the CIDRs of an ``ipv4``/``ipv6`` record (empty for ``asn``); ``asns``
    the AS numbers of an ``asn`` record (empty otherwise). ``day`` is the delegation date
    (None when the file gives none); ``holder`` the opaque id, if the file has one.
    """

    line: int
    registry: str
    country: str
    kind: str
    day: dt.date | None
    status: str
    holder: str | None
    networks: tuple[str, ...] = ()
    asns: range = range(0)

    def entries(self) -> list[PrefixEntry]:
        """Return one entry per CIDR, owned by the holder's opaque id, held from ``day``."""
        return [PrefixEntry(cidr, None, self.holder, self.day) for cidr in self.networks]


def _delegated_day(text: str) -> dt.date | None:
    if text in ("", "00000000"):
        return None
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise InvalidIndicator("date", text, "is not a date written YYYYMMDD") from None


def _count(text: str, field: str) -> int:
    if not text.isdigit() or int(text) == 0:
        raise InvalidIndicator(field, text, "is not a positive whole number")
    return int(text)


def _ipv4_networks(start: str, count_text: str) -> tuple[str, ...]:
    first = address_to_int(normalise_ipv4(start), "start")[1]
    last = first + _count(count_text, "value") - 1
    if last >= 1 << 32:
        raise InvalidIndicator("value", count_text, "runs past the end of the IPv4 space")
    return tuple(f"{int_to_ip(net, 4)}/{length}" for net, length in range_to_cidrs(first, last, 32))


def _ipv6_networks(start: str, length: str) -> tuple[str, ...]:
    if not length.isdigit():
        raise InvalidIndicator("value", length, "is not a prefix length")
    return (normalise_cidr(f"{start}/{length}"),)


def _asns(start: str, count_text: str) -> range:
    first = parse_asn(start)
    count = _count(count_text, "value")
    if first + count - 1 > MAX_ASN:
        raise InvalidIndicator("value", count_text, "runs past the last AS number")
    return range(first, first + count)


def _delegated_record(number: int, fields: list[str]) -> DelegatedRecord | None:
    """Return the record of one data line, None for an unheld one; raise ``InvalidIndicator``."""
    if len(fields) < 7:
        raise InvalidIndicator("line", "|".join(fields), f"has {len(fields)} fields, not 7 or 8")
    registry, country, kind, start, value, day, status = (f.strip() for f in fields[:7])
    status, kind = status.lower(), kind.lower()
    if status in _UNHELD:
        return None
    if status not in _HELD:
        raise InvalidIndicator(
            "status", status, "is not allocated, assigned, available or reserved"
        )
    holder = fields[7].strip() if len(fields) > 7 and fields[7].strip() else None
    networks: tuple[str, ...] = ()
    asns = range(0)
    if kind == "asn":
        asns = _asns(start, value)
    elif kind == "ipv4":
        networks = _ipv4_networks(start, value)
    elif kind == "ipv6":
        networks = _ipv6_networks(start, value)
    else:
        raise InvalidIndicator("type", kind, "is not asn, ipv4 or ipv6")
    return DelegatedRecord(
        number,
        registry.lower(),
        country.upper(),
        kind,
        _delegated_day(day),
        status,
        holder,
        networks,
        asns,
    )


def _is_header(fields: list[str]) -> bool:
    """Whether a line is the version line or a ``registry|*|type|*|count|summary`` line."""
    if _VERSION.fullmatch(fields[0].strip()):
        return True
    return len(fields) >= 6 and fields[1].strip() == "*" and fields[5].strip() == "summary"


def iter_delegated(
    lines: Iterable[str], country: str | None = None
) -> Iterator[DelegatedRecord | LineReject]:
    """Yield a record per held line (of ``country`` only, if given) or a reject per bad line."""
    wanted = country.upper() if country else None
    for number, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        fields = text.split("|")
        if _is_header(fields):
            continue
        try:
            record = _delegated_record(number, fields)
        except InvalidIndicator as error:
            yield _reject(number, str(error), raw)
            continue
        if record is not None and (wanted is None or record.country == wanted):
            yield record


def load_delegated(lines: Iterable[str], country: str | None = None) -> Loaded:
    """Return the address entries (owner = opaque holder id) and rejects of a delegated file.

    AS number records give no entry; read them with ``iter_delegated``.
    """
    loaded = Loaded()
    for row in iter_delegated(lines, country):
        if isinstance(row, LineReject):
            loaded.rejects.append(row)
        else:
            loaded.entries.extend(row.entries())
    return loaded


# --- organisation prefixes (CSV) ------------------------------------------------------

_COLUMNS = ("organisation", "cidr", "asn", "valid_from", "valid_until")


def _iso_day(text: str, field: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidIndicator(field, text, "is not a date written YYYY-MM-DD") from None


def _org_entry(row: list[str]) -> PrefixEntry:
    """Return the entry of one CSV row; raise ``InvalidIndicator`` naming the column."""
    if not 2 <= len(row) <= len(_COLUMNS):
        raise InvalidIndicator("line", ",".join(row), f"has {len(row)} columns, not 2 to 5")
    organisation, cidr, asn, start, end = (value.strip() for value in row + [""] * (5 - len(row)))
    if not organisation:
        raise InvalidIndicator("organisation", organisation, "is empty")
    start_day, end_day = _iso_day(start, "valid_from"), _iso_day(end, "valid_until")
    if start_day and end_day and end_day <= start_day:
        raise InvalidIndicator("valid_until", end, f"is not after valid_from {start}")
    asn_number = parse_asn(asn) if asn else None
    return PrefixEntry(normalise_cidr(cidr), asn_number, organisation, start_day, end_day)


def _without_comments(lines: Iterable[str]) -> Iterator[str]:
    # A comment becomes an empty line, which csv skips, so line numbers stay true.
    for line in lines:
        yield "\n" if line.lstrip().startswith("#") else line


def iter_org_prefixes(lines: Iterable[str]) -> Iterator[LineEntry | LineReject]:
    """Yield an entry (``owner`` = the organisation's short name) or a reject per CSV row."""
    reader = csv.reader(_without_comments(lines))
    first = True
    for row in reader:
        if not any(value.strip() for value in row):
            continue
        if first and row[0].strip().lower() in ("organisation", "organization"):
            first = False
            continue
        first = False
        try:
            yield LineEntry(reader.line_num, _org_entry(row))
        except InvalidIndicator as error:
            raw = ",".join(row)
            yield _reject(reader.line_num, str(error), raw)


def load_org_prefixes(lines: Iterable[str]) -> Loaded:
    """Return the entries and rejects of an organisation prefix CSV (see ``iter_org_prefixes``)."""
    return _collect(iter_org_prefixes(lines))
