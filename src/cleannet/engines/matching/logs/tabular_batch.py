"""A column mapping, and one input batch (CSV block, Parquet row group) → ``LOG_RECORD``.

The mapping names, for each canonical column, the input column that holds it
(``{"ts": "time", "client_ip": "src", "qname": "query"}``) and may give the record
``kind`` as a constant; without it the kind follows from the columns: ``url`` → http,
``qname`` → dns, ``dst_ip`` → flow. ``ts`` and ``client_ip`` are required. Without a
mapping, the input's columns that bear canonical names are taken.

A row is bad (counted, sampled) for an unusable time, a missing or refused client address,
a bad port, a refused destination address or URL, or a flow without a destination; it is
skipped when it has nothing to match: a DNS row whose name core refuses, a web row
without URL, name or address.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cleannet.engines.matching.logs.base import LogMappingError
from cleannet.engines.matching.logs.tabular_columns import (
    as_text,
    column_text_or,
    map_distinct,
    ports,
    utc_micros,
)
from cleannet.engines.matching.logs.values import Values
from cleannet.engines.matching.schema import LOG_RECORD, ReadSummary, RecordKind

MAPPABLE = ("ts", "client_ip", "client_port", "qname", "dst_ip", "dst_port", "url")
_KINDS = {kind.value for kind in RecordKind}
_ZONELESS = "time has no timezone; pass --tz"


@dataclass(frozen=True)
class Plan:
    """A resolved mapping: canonical column → input column, and the record kind."""

    columns: dict[str, str]
    kind: str


def _inferred_kind(columns: Mapping[str, str]) -> str:
    for column, kind in (("url", RecordKind.HTTP), ("qname", RecordKind.DNS)):
        if column in columns:
            return kind.value
    if "dst_ip" in columns:
        return RecordKind.FLOW.value
    raise LogMappingError("the mapping names none of qname, url, dst_ip: nothing to match")


def resolve_mapping(mapping: Mapping[str, str] | None, names: list[str]) -> Plan:
    """Return the plan for an input with columns ``names``.

    Raises ``LogMappingError`` for an unknown canonical field, a column the input lacks, an
    unknown kind, or a mapping without ``ts``/``client_ip`` or anything to match.
    """
    if mapping is None:
        columns = {name: name for name in MAPPABLE if name in names}
        kind = None
    else:
        kind = mapping.get("kind")
        columns = {key: value for key, value in mapping.items() if key != "kind"}
    unknown = sorted(set(columns) - set(MAPPABLE))
    if unknown:
        raise LogMappingError(f"unknown fields {unknown}; known: kind, {', '.join(MAPPABLE)}")
    absent = sorted(value for value in columns.values() if value not in names)
    if absent:
        raise LogMappingError(f"the input has no column {absent}; it has {names}")
    for required in ("ts", "client_ip"):
        if required not in columns:
            raise LogMappingError(f"the mapping must name the input column of {required!r}")
    if kind is not None and kind not in _KINDS:
        raise LogMappingError(f"kind {kind!r} is not one of {sorted(_KINDS)}")
    return Plan(columns, kind or _inferred_kind(columns))


@dataclass
class Converted:
    """One converted batch: the records and the counts of bad and skipped rows."""

    records: pa.RecordBatch
    bad: int
    skipped: int
    zoneless: bool  # some row's time had no zone and no tz was given


class BatchConverter:
    """Converts batches of one input; keeps the memoised normalisers across batches."""

    def __init__(self, plan: Plan, source: str, tz: ZoneInfo | None) -> None:
        self.plan, self.source, self.tz = plan, source, tz
        self.values = Values.shared()

    def convert(self, batch: pa.RecordBatch, lines: np.ndarray, summary: ReadSummary) -> Converted:
        """Return the records of ``batch`` (whose rows are at ``lines`` of the input);
        bad rows are sampled into ``summary`` with their line, counted in ``bad``."""
        columns = _Columns(batch, self.plan, self)
        checks = columns.checks()
        blank = columns.blank()  # an empty line: nothing to refuse
        bad = np.zeros(batch.num_rows, dtype=bool)
        for mask, _reason in checks:
            bad |= mask & ~blank
        skip = (columns.skip() | blank) & ~bad
        self._sample(batch, lines, checks, bad, summary)
        keep = pa.array(~bad & ~skip)
        evidence = pc.binary_join_element_wise(
            self.source + ":", pa.array(lines, pa.int64()).cast(pa.string()), ""
        )
        records = pa.RecordBatch.from_arrays([*columns.arrays(), evidence], schema=LOG_RECORD)
        zoneless = bool(columns.zoneless.any())
        return Converted(records.filter(keep), int(bad.sum()), int(skip.sum()), zoneless)

    def _sample(
        self,
        batch: pa.RecordBatch,
        lines: np.ndarray,
        checks: list[tuple[np.ndarray, str]],
        bad: np.ndarray,
        summary: ReadSummary,
    ) -> None:
        count = int(bad.sum())
        room = max(0, summary.SAMPLE_LIMIT - len(summary.samples))
        rows = np.flatnonzero(bad)[:room]
        for row in rows:
            reason = next(reason for mask, reason in checks if mask[row])
            text = ",".join(
                "" if value is None else str(value)
                for value in batch.slice(int(row), 1).to_pylist()[0].values()
            )
            summary.reject(self.source, int(lines[row]), reason, text)
        summary.bad += count - len(rows)


def _mask(array: pa.Array) -> np.ndarray:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


class _Columns:
    """The canonical columns of one batch, converted by ``checks``."""

    def __init__(self, batch: pa.RecordBatch, plan: Plan, converter: BatchConverter) -> None:
        self.batch, self.plan, self.values = batch, plan, converter.values
        self.tz = converter.tz
        self.n = batch.num_rows

    def raw(self, name: str) -> pa.Array | None:
        column = self.plan.columns.get(name)
        return None if column is None else self.batch.column(column)

    def text(self, name: str) -> pa.Array:
        raw = self.raw(name)
        return pa.nulls(self.n, pa.string()) if raw is None else as_text(raw)

    def checks(self) -> list[tuple[np.ndarray, str]]:
        raw_ts = self.raw("ts")
        assert raw_ts is not None  # resolve_mapping requires it
        self.ts, zoneless = utc_micros(raw_ts, self.tz)
        client_text = self.text("client_ip")
        self.client = map_distinct(client_text, self.values.ip_or_none, self.values.ips)
        self.client_port, client_port_bad = self._ports("client_port")
        self.dst_port, dst_port_bad = self._ports("dst_port")
        self._urls_names_addresses()
        self.zoneless = _mask(zoneless) & _mask(pc.is_null(self.ts))
        return [
            (_mask(pc.is_null(self.ts)) & ~self.zoneless, "time is not usable"),
            (self.zoneless, _ZONELESS),
            (_mask(pc.is_null(self.client)), "client address missing or not an address"),
            (client_port_bad, "client port is not a number from 0 to 65535"),
            (self.dst_bad, "destination address is not an address"),
            (dst_port_bad, "destination port is not a number from 0 to 65535"),
            (self.url_bad, "url is not a URL"),
            (self.flow_without_dst, "flow without a destination address"),
        ]

    def _ports(self, name: str) -> tuple[pa.Array, np.ndarray]:
        raw = self.raw(name)
        if raw is None:
            return pa.nulls(self.n, pa.int32()), np.zeros(self.n, dtype=bool)
        values, bad = ports(raw)
        return values, _mask(bad)

    def _urls_names_addresses(self) -> None:
        url_text, dst_text = self.text("url"), self.text("dst_ip")
        self.url = map_distinct(url_text, self.values.url_or_none)
        self.url_bad = _mask(pc.and_(pc.is_valid(url_text), pc.is_null(self.url)))
        self.dst = map_distinct(dst_text, self.values.ip_or_none, self.values.ips)
        self.dst_bad = _mask(pc.and_(pc.is_valid(dst_text), pc.is_null(self.dst)))
        if "qname" in self.plan.columns:
            self.qname = map_distinct(self.text("qname"), self.values.domain, self.values.names)
        else:  # a URL's host is its name, or its address
            parts = pc.split_pattern(self.url, "/", max_splits=3)
            hosts = pc.utf8_trim(pc.list_element(parts, 2), "[]")
            self.qname = map_distinct(hosts, self.values.domain, self.values.names)
            self.dst = pc.coalesce(self.dst, map_distinct(hosts, _address_host(self.values)))
        flow = self.plan.kind == RecordKind.FLOW.value
        self.flow_without_dst = _mask(pc.is_null(self.dst)) & flow

    def blank(self) -> np.ndarray:
        empty = np.ones(self.n, dtype=bool)
        for name in self.plan.columns:
            raw = self.raw(name)
            assert raw is not None
            empty &= _mask(pc.is_null(column_text_or(raw)))
        return empty

    def skip(self) -> np.ndarray:
        if self.plan.kind == RecordKind.DNS.value:
            return _mask(pc.is_null(self.qname))
        if self.plan.kind == RecordKind.HTTP.value:
            nothing = pc.and_(pc.is_null(self.url), pc.is_null(self.qname))
            return _mask(pc.and_(nothing, pc.is_null(self.dst)))
        return np.zeros(self.n, dtype=bool)

    def arrays(self) -> list[pa.Array]:
        ts = pc.fill_null(self.ts, 0).cast(pa.timestamp("us", "UTC"))
        kind = pa.repeat(pa.scalar(self.plan.kind), self.n)
        client = pc.fill_null(self.client, "")
        return [ts, kind, client, self.client_port, self.qname, self.dst, self.dst_port, self.url]


def _address_host(values: Values) -> Callable[[str], str | None]:
    def address(host: str) -> str | None:
        return values.ip_or_none(host) if ":" in host or host.replace(".", "").isdigit() else None

    return address
