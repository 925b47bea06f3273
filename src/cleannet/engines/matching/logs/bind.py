"""BIND 9 query logs (the ``queries`` category written by a ``querylog`` channel).

A line, with the optional parts BIND versions and ``print-*`` options add::

    30-Nov-2026 10:00:01.123 [queries: info: ]client [@0x7f3a1c0a8b60 ]192.0.2.5#53211
        [(www.Example.com)]: [view internal: ]query: www.Example.com IN A +E(0)K (198.51.100.1)

The time is ``print-time yes`` (``dd-Mon-yyyy hh:mm:ss.mmm``, local time: needs ``tz``) or
ISO 8601 (``print-time iso8601``; with ``iso8601-utc`` or an offset no ``tz`` is needed).
Other messages of a client (``query failed``, ``query (cache) ... denied``) and lines
without ``client`` are skipped; a line that starts like a query but is cut short is bad.
A name core refuses as a domain (``wpad``, the root ``.``, escaped binary labels) cannot
match any domain indicator: its line is skipped, not bad.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pyarrow as pa

from cleannet.engines.matching.logs.base import LineError, LogInput, Row
from cleannet.engines.matching.logs.lines import read_lines
from cleannet.engines.matching.logs.times import (
    MICROS,
    WallClock,
    WallFields,
    fraction_micros,
    iso_micros,
)
from cleannet.engines.matching.logs.values import Values, port
from cleannet.engines.matching.schema import RecordKind

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
_CLIENT = re.compile(
    r"client (?:@0x[0-9a-fA-F]+ )?(?P<ip>[^\s#]+)#(?P<port>\d+)(?:/key \S+)?"
    r"(?: \((?:[^)\\]|\\.)*\))?: (?:view [^:]*: )?"
    r"(?:query: (?P<name>\S+) \S+ \S+|(?!query:))"
)
_DNS = RecordKind.DNS.value


def _bind_fields(text: str) -> WallFields:
    """``30-Nov-2026 10:00:01`` → its fields (``KeyError``/``ValueError`` if malformed)."""
    day, month, year = text[:11].split("-")
    hour, minute, second = text[12:].split(":")
    return int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second)


class BindParser:
    def __init__(self, log: LogInput) -> None:
        self.tz = log.tz
        self.clock = WallClock(log.tz, _bind_fields)
        self.values = Values.shared()

    def parse(self, line: str) -> Row | None:
        start = line.find("client ")
        if start < 0:
            if line[:1].isdigit():
                return None  # another message of the queries channel
            raise LineError("not a BIND log line (no time, no client)")
        match = _CLIENT.match(line, start)
        if match is None:
            raise LineError("client line cut short or not a BIND query line")
        ip_text, port_text, name = match.groups()
        if name is None:
            return None
        ts = self._time(line, start)
        values = self.values
        qname = values.names.get(name) or values.domain(name)
        if qname is None:
            return None
        client_ip = values.ips.get(ip_text) or values.ip(ip_text, "client")
        return (ts, _DNS, client_ip, port(port_text), qname, None, None, None)

    def _time(self, line: str, end: int) -> int:
        if line[2:3] == "-" and line[6:7] == "-":  # 30-Nov-2026 10:00:01.123
            second = line[:20]
            micros = (self.clock.cache.get(second) or self.clock.seconds(second)) * MICROS
            if line[20:21] == ".":
                micros += fraction_micros(line[21 : line.find(" ", 21, end)])
            return micros
        if line[4:5] == "-" and line[10:11] == "T":  # ISO 8601, with or without a zone
            return iso_micros(line[: line.find(" ")], self.tz)
        raise LineError("time is neither dd-Mon-yyyy hh:mm:ss nor ISO 8601 (syslog has no year)")


def read(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the query records of BIND query log ``log.path``."""
    return read_lines(log, BindParser(log))
