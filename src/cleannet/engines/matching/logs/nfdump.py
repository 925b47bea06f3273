"""nfdump's CSV output (NetFlow v5/v9, IPFIX, sFlow flows read from nfcapd files).

Three header layouts are known, by their column names:

* nfdump 1.6 ``-o csv``: ``ts,te,td,sa,da,sp,dp,pr,flg,...`` with ``ts`` as
  ``2026-11-30 10:00:01`` (milliseconds in later versions), ending with a ``Summary``
  line, ``flows,bytes,packets,avg_bps,avg_pps,avg_bpp`` and one line of totals (skipped);
* nfdump 1.7.5+ ``-o csv`` and ``-o csv:<fmt>``: ``firstSeen,duration,proto,srcAddr,
  srcPort,dstAddr,dstPort,...``, ``firstSeen`` as ``2026-11-30 10:00:01.123``;
* nfdump 1.7 ``-o csv-fast``: ``cnt,af,firstSeen,lastSeen,proto,srcAddr,...`` with
  ``firstSeen`` in epoch milliseconds.

nfdump prints wall-clock times in the collector's local time without a zone (``tz`` is
needed); epoch times (``%tsr``, ``csv-fast``) are UTC. ``sa``/``sp`` are the client,
``da``/``dp`` the destination; an ICMP flow's ``type.code`` in place of a port gives no
port. Output without a header (``-q`` in nfdump 1.6) is read in 1.6's column order.
"""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from cleannet.engines.matching.logs.base import LineError, LogInput, Row
from cleannet.engines.matching.logs.lines import read_lines
from cleannet.engines.matching.logs.times import (
    MICROS,
    WallClock,
    WallFields,
    epoch_micros,
    fraction_micros,
)
from cleannet.engines.matching.logs.values import Values, port
from cleannet.engines.matching.schema import RecordKind

_NAMES = {  # our column → nfdump's names for it, old and new
    "ts": ("ts", "firstSeen"),
    "client": ("sa", "srcAddr"),
    "client_port": ("sp", "srcPort"),
    "dst": ("da", "dstAddr"),
    "dst_port": ("dp", "dstPort"),
}
_OLD_HEADER = ("ts", "te", "td", "sa", "da", "sp", "dp")
_NO_TIME = "0000-00-00"
_FLOW = RecordKind.FLOW.value


def _wall_fields(text: str) -> WallFields:
    """``2026-11-30 10:00:01`` → its fields (``ValueError`` if malformed)."""
    year, month, day = text[:10].split("-")
    hour, minute, second = text[11:19].split(":")
    if text[10:11] != " " or len(text) != 19:
        raise ValueError(text)
    return int(year), int(month), int(day), int(hour), int(minute), int(second)


def _is_header(fields: list[str]) -> bool:
    names = {name.strip() for name in fields}
    return not names.isdisjoint(_NAMES["ts"]) and not names.isdisjoint(_NAMES["client"])


class NfdumpParser:
    def __init__(self, log: LogInput) -> None:
        self.clock = WallClock(log.tz, _wall_fields)
        self.values = Values.shared()
        self.in_summary = False
        self._use_header(list(_OLD_HEADER))
        self.width: int | None = None  # no header yet: 1.6's order, lines of any length

    def _use_header(self, fields: list[str]) -> None:
        position = {name.strip(): index for index, name in enumerate(fields)}
        found = {
            ours: next((position[name] for name in names if name in position), -1)
            for ours, names in _NAMES.items()
        }
        self.ts, self.client, self.client_port = found["ts"], found["client"], found["client_port"]
        self.dst, self.dst_port = found["dst"], found["dst_port"]
        self.width = len(fields)
        self.in_summary = False

    def parse(self, line: str) -> Row | None:
        fields = line.split(",")
        # Flow lines start with a time or count; headers and the summary with a letter.
        if not line[:1].isdigit():
            if _is_header(fields):
                self._use_header(fields)
                return None
            if line.startswith("Summary"):
                self.in_summary = True  # the totals that follow are no flows
        if self.in_summary:
            return None
        if self.width is not None and len(fields) != self.width:
            raise LineError(f"has {len(fields)} fields where the header has {self.width}")
        try:
            ts_text, client = fields[self.ts].strip(), fields[self.client].strip()
            dst = fields[self.dst].strip() if self.dst >= 0 else ""
        except IndexError:
            raise LineError(f"has {len(fields)} fields, too few for nfdump CSV") from None
        if not dst:
            raise LineError("flow has no destination address")
        values = self.values
        return (
            self._time(ts_text),
            _FLOW,
            values.ips.get(client) or values.ip(client, "source address"),
            self._port(fields, self.client_port),
            None,
            values.ips.get(dst) or values.ip(dst, "destination address"),
            self._port(fields, self.dst_port),
            None,
        )

    def _time(self, text: str) -> int:
        if text[4:5] == "-":
            if text.startswith(_NO_TIME):
                raise LineError("flow has no first-seen time")
            second = text[:19]
            micros = (self.clock.cache.get(second) or self.clock.seconds(second)) * MICROS
            return micros + fraction_micros(text[20:]) if text[19:20] == "." else micros
        if text.isdigit() and len(text) > 11:  # csv-fast: epoch milliseconds
            return int(text) * 1000
        return epoch_micros(text)

    @staticmethod
    def _port(fields: list[str], index: int) -> int | None:
        if index < 0:
            return None
        text = fields[index].strip()
        if "." in text:  # ICMP: type.code where the port would be
            return None
        return port(text)


def read(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the flow records of nfdump CSV output ``log.path``."""
    return read_lines(log, NfdumpParser(log))
