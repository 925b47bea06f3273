"""The tables every part of matching agrees on (Arrow schemas), and the job and result types.

Readers turn each log, lease and indicator format into these tables; the engines (DuckDB,
Spark) read only these tables and write only ``FINDING``; nothing else crosses between the
parts. All times are UTC instants (``timestamp[us, tz=UTC]``); all addresses are the
canonical text ``cleannet.core.indicators.normalise_ip`` gives (IPv4 dotted quad, IPv6
compressed lower case; an IPv4-mapped IPv6 address is written as its IPv4 address); all
domain names are what ``normalise_domain`` gives (ASCII, lower case, no trailing dot, IDN as
punycode).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import pyarrow as pa

UTC_TIME = pa.timestamp("us", tz="UTC")

RECORD_ROW_GROUP = 1_000_000
"""Rows per row group of the records' Parquet files. DuckDB and Spark split their work by row
group (small groups cost metadata and compression), and each row group repeats the names it
holds in its dictionary page: the DuckDB engine reads the distinct names from those pages, so
fewer, larger groups repeat fewer names."""


class RecordKind(StrEnum):
    DNS = "dns"  # a name was looked up: ``qname`` is set
    FLOW = "flow"  # a connection: ``dst_ip`` (and ``dst_port``) are set
    HTTP = "http"  # a web request through a proxy: ``url`` unless a CONNECT; ``qname`` its host
    # name, or ``dst_ip`` when the host is an address. Engines match domains on ``qname`` and
    # IPs/CIDRs on ``dst_ip`` whatever the kind.


LOG_RECORD = pa.schema(
    [
        pa.field("ts", UTC_TIME, nullable=False),
        pa.field("kind", pa.string(), nullable=False),  # a RecordKind value
        pa.field("client_ip", pa.string(), nullable=False),  # the subscriber side
        pa.field("client_port", pa.int32()),  # source port where the log has it (CGNAT)
        pa.field("qname", pa.string()),  # normalised name looked up / URL host
        pa.field("dst_ip", pa.string()),  # flow destination; a DNS answer is not recorded
        pa.field("dst_port", pa.int32()),
        pa.field("url", pa.string()),  # canonical URL (core.indicators.url) for HTTP records
        pa.field("evidence", pa.string(), nullable=False),  # "<file name>:<line or row number>"
    ]
)
"""One log record. ``evidence`` points back into the ISP's own log, never copies it."""

RECORD_PARQUET_OPTIONS: dict[str, object] = {
    # zstd, but LZ4 for the client addresses: nearly unique per record, they compress 3× with
    # zstd and 2× with LZ4, and an engine decodes every page of them to take back the matched
    # records; LZ4 decodes them several times faster (the match 7 % faster for a quarter more
    # bytes on disk).
    "compression": {
        field.name: "lz4" if field.name == "client_ip" else "zstd" for field in LOG_RECORD
    },
    # Names, destinations and URLs repeat in logs: dictionary-encoded (with a dictionary page
    # large enough to hold a row group's), an engine's scan and filters work on the dictionary
    # once per distinct value. The other columns are nearly unique per record, and an engine
    # reads them only around the few matched records: plain text and delta-packed times are
    # cheap to skip, where a dictionary as large as the column would have to be decoded whole.
    "use_dictionary": ["kind", "qname", "dst_ip", "url"],
    "column_encoding": {"ts": "DELTA_BINARY_PACKED"},
    "dictionary_pagesize_limit": 64 * 1024 * 1024,
}
"""How log records are written to Parquet (``pq.ParquetWriter(path, LOG_RECORD, **…)``)."""


class IndicatorKind(StrEnum):
    IP = "ip"
    CIDR = "cidr"
    DOMAIN = "domain"  # matches the name and every name under it
    URL = "url"  # matches the canonical URL's host/path expressions


INDICATOR = pa.schema(
    [
        pa.field("kind", pa.string(), nullable=False),  # an IndicatorKind value
        pa.field("indicator", pa.string(), nullable=False),  # as it appears in the input
        pa.field("value", pa.string(), nullable=False),  # normalised (cidr: "net/len")
        pa.field("family", pa.string()),
        pa.field("valid_from", UTC_TIME),  # null: since always
        pa.field("valid_until", UTC_TIME),  # null: still valid; exclusive bound
    ]
)

HUB_EVENT = pa.schema(
    [
        pa.field("ts", UTC_TIME, nullable=False),  # time.source
        pa.field("ip", pa.string(), nullable=False),  # source.ip (public side)
        pa.field("port", pa.int32()),  # source.port: what a CGNAT block is chosen by
        pa.field("family", pa.string()),  # malware.name
        pa.field("indicator", pa.string(), nullable=False),  # "<feed.name>:<classification>"
        pa.field("evidence", pa.string(), nullable=False),  # the hub's event id or key
    ]
)
"""An event the hub already attributed to this ISP (a sinkhole hit): no indicator join, it
goes straight to CGNAT translation and lease attribution; its findings have
``indicator_kind`` "event"."""

LEASE = pa.schema(
    [
        pa.field("subscriber", pa.string(), nullable=False),
        pa.field("ip", pa.string(), nullable=False),
        pa.field("start", UTC_TIME, nullable=False),  # inclusive
        pa.field("end", UTC_TIME),  # exclusive; null: still held
        pa.field("evidence", pa.string(), nullable=False),  # "<file name>:<line>"
    ]
)
"""Who held an address when (RADIUS, DHCP, Kea, CSV)."""

CGNAT_BLOCK = pa.schema(
    [
        pa.field("public_ip", pa.string(), nullable=False),
        pa.field("port_from", pa.int32(), nullable=False),  # inclusive
        pa.field("port_to", pa.int32(), nullable=False),  # inclusive
        pa.field("inside_ip", pa.string(), nullable=False),
        pa.field("start", UTC_TIME, nullable=False),
        pa.field("end", UTC_TIME),
        pa.field("evidence", pa.string(), nullable=False),
    ]
)
"""A port block of a public address allocated to an inside address for a time."""

FINDING = pa.schema(
    [
        pa.field("subscriber", pa.string(), nullable=False),
        pa.field("ip", pa.string(), nullable=False),  # the address the subscriber held
        pa.field("indicator_kind", pa.string(), nullable=False),
        pa.field("indicator", pa.string(), nullable=False),  # as in the indicator input
        pa.field("family", pa.string()),
        pa.field("first_seen", UTC_TIME, nullable=False),
        pa.field("last_seen", UTC_TIME, nullable=False),
        pa.field("count", pa.int64(), nullable=False),
        pa.field("evidence", pa.string(), nullable=False),  # the first record's evidence
    ]
)
"""One row per (subscriber, ip, indicator): the columns the issue names, in its order."""

DAILY_COUNT = pa.schema(
    [
        pa.field("day", pa.date32(), nullable=False),  # UTC day of the record
        pa.field("family", pa.string()),
        pa.field("indicator_kind", pa.string(), nullable=False),
        pa.field("subscribers", pa.int64(), nullable=False),  # distinct subscribers
        pa.field("records", pa.int64(), nullable=False),
    ]
)
"""What a node sends the hub: counts only, never an identity."""

UNATTRIBUTED = pa.schema(
    [
        # "no lease" | "overlapping leases" | "overlapping CGNAT blocks"
        pa.field("reason", pa.string(), nullable=False),
        pa.field("ip", pa.string(), nullable=False),
        pa.field("port", pa.int32()),
        pa.field("ts", UTC_TIME, nullable=False),
        pa.field("indicator", pa.string(), nullable=False),
        pa.field("candidates", pa.string()),  # overlapping: the subscribers, ";"-joined, sorted
        pa.field("evidence", pa.string(), nullable=False),
    ]
)
"""A matched record that could not be given to exactly one subscriber: reported, not guessed."""


@dataclass(frozen=True)
class MatchJob:
    """Everything an engine needs: canonical tables on disk (Parquet) and the settings.

        ``records`` are Parquet files of ``LOG_RECORD``; ``indicators``, ``leases`` and
        ``cgnat`` one Parquet file each of their schema (``cgnat`` may be None); ``events`` a
    Parquet file of ``HUB_EVENT`` (may be None). A record whose
        ``client_port`` is set and whose ``client_ip`` falls in a CGNAT block at that second is
        first translated to the inside address, then attributed through the leases.
        ``memory_limit`` (e.g. "2GB") and ``threads`` bound the engine; ``work_dir`` is where an
        engine may spill.
    """

    records: list[Path]
    indicators: Path
    leases: Path
    cgnat: Path | None = None
    events: Path | None = None
    work_dir: Path | None = None
    memory_limit: str = "2GB"
    threads: int = 2


@dataclass
class MatchResult:
    """What a match produced; the three tables follow their schemas above (sorted, see
    ``sort_keys``) so that two engines' results compare equal row for row."""

    findings: pa.Table
    daily_counts: pa.Table
    unattributed: pa.Table
    records_read: int = 0
    records_matched: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


SORT_KEYS = {
    "findings": [("subscriber", "ascending"), ("ip", "ascending"), ("indicator_kind", "ascending"),
                 ("indicator", "ascending")],
    "daily_counts": [("day", "ascending"), ("family", "ascending"),
                     ("indicator_kind", "ascending")],
    "unattributed": [("ts", "ascending"), ("ip", "ascending"), ("port", "ascending"),
                     ("indicator", "ascending"), ("reason", "ascending"),
                     ("candidates", "ascending"), ("evidence", "ascending")],
}  # fmt: skip


@dataclass(frozen=True)
class BadLine:
    """A log, lease or indicator line a reader could not use: counted, sampled, never fatal."""

    source: str
    line: int
    reason: str
    text: str  # clipped to 200 characters


@dataclass
class ReadSummary:
    """What a reader read: ``read == used + bad + skipped`` (skipped: comments, blanks,
    records of no interest such as a Stop without an address)."""

    read: int = 0
    used: int = 0
    bad: int = 0
    skipped: int = 0
    samples: list[BadLine] = field(default_factory=list)
    SAMPLE_LIMIT: int = 20

    def reject(self, source: str, line: int, reason: str, text: str) -> None:
        self.bad += 1
        if len(self.samples) < self.SAMPLE_LIMIT:
            self.samples.append(BadLine(source, line, reason, text[:200]))


def utc(moment: dt.datetime) -> dt.datetime:
    """Return ``moment`` as an aware UTC datetime; a naive one is refused (no local guess)."""
    if moment.tzinfo is None:
        raise ValueError("a time without a timezone needs --tz")
    return moment.astimezone(dt.UTC)
