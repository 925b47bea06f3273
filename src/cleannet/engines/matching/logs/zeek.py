"""Zeek ``dns.log`` and ``conn.log``, as TSV (the ASCII writer) or JSON lines.

TSV: ``#separator`` (escaped, ``\\x09``), ``#unset_field`` (``-``), ``#empty_field``,
``#fields`` (the column names) and the other ``#`` lines (``#types``, ``#path``, ``#open``,
``#close``) are read or skipped; a file written with ``LogAscii::include_meta=F`` has no
header and is read with Zeek's default column order. A data line with another number of
fields than ``#fields`` declares (a truncated line) is bad. JSON: one object per line, with
dotted keys (``id.orig_h``) or a nested ``id`` object. Which of the two a file is, its first
non-empty character says (``{``). ``ts`` is epoch seconds (UTC) or ISO 8601 (JSON with
``JSON::TS_ISO8601``, or ``zeek-cut -d`` output).

dns: ``id.orig_h``/``id.orig_p`` are the client, ``query`` the name (unset or a name core
refuses: skipped). conn: ``id.resp_h``/``id.resp_p`` are the destination.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import pyarrow as pa

from cleannet.engines.matching.logs.base import LineError, LogInput, Row
from cleannet.engines.matching.logs.lines import read_lines
from cleannet.engines.matching.logs.times import epoch_micros, iso_micros
from cleannet.engines.matching.logs.values import Values, port
from cleannet.engines.matching.schema import RecordKind

# Zeek's default column order (dns.log and conn.log share the first six).
_DEFAULT_FIELDS = ("ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto")
_DNS_DEFAULT = (*_DEFAULT_FIELDS, "trans_id", "rtt", "query")
_ESCAPE = re.compile(r"\\x([0-9a-fA-F]{2})")
_DNS = RecordKind.DNS.value
_FLOW = RecordKind.FLOW.value


def _unescape(text: str) -> str:
    return _ESCAPE.sub(lambda match: chr(int(match[1], 16)), text)


class ZeekParser:
    """Reads one Zeek log; ``kind`` is "dns" or "flow" and decides which fields count."""

    def __init__(self, log: LogInput, kind: str) -> None:
        self.tz, self.kind = log.tz, kind
        self.values = Values.shared()
        self.separator, self.unset, self.empty = "\t", "-", "(empty)"
        self.wanted = ("ts", "id.orig_h", "id.orig_p") + (
            ("query",) if kind == _DNS else ("id.resp_h", "id.resp_p")
        )
        self._use_fields(_DNS_DEFAULT if kind == _DNS else _DEFAULT_FIELDS)
        self.width: int | None = None  # Zeek's default order, no count to hold lines to
        self.parse: Callable[[str], Row | None] = self._first

    def _first(self, line: str) -> Row | None:
        self.parse = self._json if line.lstrip().startswith("{") else self._tsv
        return self.parse(line)

    def _use_fields(self, names: tuple[str, ...] | list[str]) -> None:
        position = {name: index for index, name in enumerate(names)}
        self.missing = ", ".join(name for name in self.wanted if name not in position)
        self.positions = [position.get(name, 0) for name in self.wanted]
        self.width = len(names)

    def _header(self, line: str) -> None:
        if line.startswith("#separator "):
            self.separator = _unescape(line.removeprefix("#separator ")) or "\t"
            return
        key, _, value = line.partition(self.separator)
        if key == "#fields":
            self._use_fields(value.split(self.separator))
        elif key == "#unset_field":
            self.unset = value
        elif key == "#empty_field":
            self.empty = value

    def _tsv(self, line: str) -> Row | None:
        if line[0] == "#":
            self._header(line)
            return None
        fields = line.split(self.separator)
        if len(fields) != self.width and self.width is not None:
            raise LineError(f"has {len(fields)} fields where #fields declares {self.width}")
        if self.missing:
            raise LineError(f"the #fields header has no {self.missing} (another kind of log?)")
        try:
            ts_text, client, client_port, target, *target_port = (
                fields[index] for index in self.positions
            )
        except IndexError:
            raise LineError(f"has {len(fields)} fields, fewer than Zeek's default") from None
        if target == self.unset or target == self.empty:
            return self._row(ts_text, client, client_port, None, *target_port)
        return self._row(ts_text, client, client_port, target, *target_port)

    def _json(self, line: str) -> Row | None:
        try:
            record = json.loads(line, parse_float=str)
        except ValueError:
            raise LineError("not a JSON object (cut short?)") from None
        if not isinstance(record, dict):
            raise LineError("not a JSON object")
        nested = record.get("id")
        ids: Mapping[str, Any] = nested if isinstance(nested, dict) else {}
        ts_text, client, *rest = (
            _json_text(record.get(name, ids.get(name[3:]) if name.startswith("id.") else None))
            for name in self.wanted
        )
        if ts_text is None or client is None:
            raise LineError("has no ts" if ts_text is None else "has no id.orig_h")
        return self._row(ts_text, client, *rest)

    def _row(
        self,
        ts_text: str,
        client: str,
        client_port: str | None,
        target: str | None,
        target_port: str | None = None,
    ) -> Row | None:
        ts = iso_micros(ts_text, self.tz) if ts_text[4:5] == "-" else epoch_micros(ts_text)
        values = self.values
        client_ip = values.ips.get(client) or values.ip(client, "id.orig_h")
        source_port = None if client_port is None else port(client_port)
        if self.kind == _DNS:
            qname = None if target is None else values.names.get(target) or values.domain(target)
            if qname is None:
                return None
            return (ts, _DNS, client_ip, source_port, qname, None, None, None)
        if target is None:
            raise LineError("has no id.resp_h")
        dst_ip = values.ips.get(target) or values.ip(target, "id.resp_h")
        dst_port = None if target_port is None else port(target_port)
        return (ts, _FLOW, client_ip, source_port, None, dst_ip, dst_port, None)


def _json_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise LineError(f"field value {str(value)[:40]!r} is not a string or number")
    return str(value)


def read_dns(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the DNS query records of Zeek ``dns.log`` ``log.path`` (TSV or JSON)."""
    return read_lines(log, ZeekParser(log, _DNS))


def read_conn(log: LogInput) -> Iterator[pa.RecordBatch]:
    """Yield the flow records of Zeek ``conn.log`` ``log.path`` (TSV or JSON)."""
    return read_lines(log, ZeekParser(log, _FLOW))
