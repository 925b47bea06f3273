"""FreeRADIUS ``detail`` files read into records, and the time of each record.

Layout (rlm_detail): a record is a header line with the local time in ``ctime`` form
(``Mon Nov 30 10:00:00 2026``), then one tab-indented ``Attribute = value`` line per
attribute, then ``Timestamp = <Unix seconds>`` added by the server, then a blank line.
String values are double-quoted with ``\\"`` and ``\\\\`` escaped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cleannet.engines.matching.leases.inputs import (
    NeedsTimezone,
    epoch_micros,
    iso_micros,
    micros,
    open_text,
    seconds_micros,
)

__all__ = ["RadiusRecord", "read_records", "record_time"]

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
# "Nov 30 2026 10:00:00 UTC" (strftime "%b %e %Y %H:%M:%S %Z": %e pads the day with a space)
_EVENT_TIME = re.compile(
    r"([A-Za-z]{3})\s+([0-9]{1,2})\s+([0-9]{4})\s+([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\s+(\S+))?"
)
# "Mon Nov 30 10:00:00 2026" (ctime)
_HEADER_TIME = re.compile(
    r"[A-Za-z]{3}\s+([A-Za-z]{3})\s+([0-9]{1,2})\s+([0-9]{2}):([0-9]{2}):([0-9]{2})\s+([0-9]{4})"
)
_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})?")
_UTC_NAMES = {"UTC", "GMT", "UT", "Z"}


@dataclass
class RadiusRecord:
    source: str
    line: int
    header: str
    attributes: dict[str, str] = field(default_factory=dict)

    def sample(self) -> str:
        """Return the record on one line, for a bad-record sample."""
        pairs = "; ".join(f"{name} = {value}" for name, value in self.attributes.items())
        return f"{self.header} | {pairs}"


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _add_attribute(record: RadiusRecord, line: str) -> None:
    name, equals, value = line.strip().partition(" = ")
    # A line without " = " is a record cut short (the server died mid-write): its other
    # attributes still count, and a missing one is reported when the record is judged.
    if equals:
        record.attributes.setdefault(name.strip(), _unquote(value))


def read_records(path: Path) -> Iterator[RadiusRecord]:
    """Yield the records of one detail file in file order, with the line each starts on.

    A record missing its header (a file starting mid-record) has an empty ``header``.
    Raises ``OSError`` when the file cannot be read.
    """
    record: RadiusRecord | None = None
    with open_text(path) as stream:
        for number, raw in enumerate(stream, 1):
            line = raw.rstrip("\r\n")
            if not line.strip():
                if record is not None:
                    yield record
                record = None
            elif line[0] in " \t":
                record = record or RadiusRecord(path.name, number, "")
                _add_attribute(record, line)
            else:
                if record is not None:
                    yield record
                record = RadiusRecord(path.name, number, line.strip())
    if record is not None:
        yield record


def _zone(name: str | None, tz: dt.tzinfo | None) -> dt.tzinfo | None:
    if name is None or name.upper() in _UTC_NAMES:
        return dt.UTC if name is not None else tz
    offset = _OFFSET.fullmatch(name)
    if offset is not None:
        sign = -1 if offset[1] == "-" else 1
        minutes = int(offset[2]) * 60 + int(offset[3] or 0)
        return dt.timezone(sign * dt.timedelta(minutes=minutes))
    # An abbreviation ("ICT", "CEST") names no offset for certain: it is the --tz zone's.
    return tz


def _iso_event_time(value: str, tz: dt.tzinfo | None) -> int | None:
    try:
        return iso_micros(value, naive=tz, source="Event-Timestamp")
    except (ValueError, NeedsTimezone):  # the server's Timestamp may still tell
        return None


def _event_time(value: str, tz: dt.tzinfo | None) -> int | None:
    value = value.strip()
    if value.isdigit():
        return epoch_micros(value)
    found = _EVENT_TIME.fullmatch(value)
    if found is None:
        return _iso_event_time(value, tz)
    month, day, year, hour, minute, second, zone_name = found.groups()
    zone = _zone(zone_name, tz)
    if zone is None or month.lower() not in _MONTHS:
        return None
    moment = dt.datetime(
        int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second)
    )
    return micros(moment.replace(tzinfo=zone))


def _header_time(record: RadiusRecord, tz: dt.tzinfo | None) -> int | None:
    found = _HEADER_TIME.fullmatch(record.header)
    if found is None or found[1].lower() not in _MONTHS:
        return None
    if tz is None:
        raise NeedsTimezone(record.source)
    month, day, hour, minute, second, year = found.groups()
    moment = dt.datetime(
        int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), int(second)
    )
    return micros(moment.replace(tzinfo=tz))


def record_time(record: RadiusRecord, tz: dt.tzinfo | None) -> int | None:
    """Return when the record's event happened (microseconds, UTC), or None if unreadable.

    In order: ``Event-Timestamp`` (Unix seconds, or a date with UTC, an offset, or a zone
    abbreviation read in ``tz``); the server's ``Timestamp`` minus ``Acct-Delay-Time``;
    the header's local time in ``tz``. Raises ``NeedsTimezone`` only when the header is
    the one time left and ``tz`` is None; ``ValueError`` for a malformed time.
    """
    attributes = record.attributes
    if "Event-Timestamp" in attributes:
        found = _event_time(attributes["Event-Timestamp"], tz)
        if found is not None:
            return found
    if "Timestamp" in attributes:
        delay = attributes.get("Acct-Delay-Time", "0")
        return epoch_micros(attributes["Timestamp"]) - seconds_micros(
            int(delay) if delay.isdigit() else 0
        )
    return _header_time(record, tz)
