"""The ingestion pipeline after parsing: dedup, aggregate, attribute, in bounded batches.

``run_pipeline(rows, attribute=…, window=…)`` consumes a parser's rows and yields
``Batch``es of at most ``batch_rows`` input rows each, so memory stays bounded whatever
the input size. In each batch:

- a row whose raw text was already seen in this run is a **duplicate** (a report sent
  twice, a file ingested again within one run);
- accepted rows with the same observable, classification and feed inside one time window
  (a UTC day by default) become one ``Aggregate`` with a count and first/last seen — an
  infected device beacons to a sinkhole hundreds of times a day, and an ISP wants one
  line per device per day, not five hundred;
- each aggregate is attributed once (owner, ASN, prefix of ``source.ip`` on that day).

An aggregate's ``key`` is stable (a hash of observable, classification, feed and window
start), so the store merges the same aggregate from two batches, two files or a re-run:
the count of a stored aggregate grows, it is never stored twice. Counts reconcile per
batch: ``read == accepted + rejected + duplicates``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Protocol

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.records import Accepted, Rejected, Row

DEFAULT_WINDOW = dt.timedelta(days=1)
DEFAULT_BATCH_ROWS = 50_000
# The observable that names "the same source", in order of preference.
OBSERVABLES = ("source.ip", "source.url", "source.fqdn", "source.network",
               "malware.hash.sha256", "malware.hash.sha1", "malware.hash.md5")  # fmt: skip
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Attribution:
    owner: str | None
    asn: int | None
    network: str | None


class Attributor(Protocol):
    def __call__(self, ip: str, day: dt.date) -> Attribution | None: ...


@dataclass(slots=True)
class Aggregate:
    """Repeats of one observation in one window: the first row's fields, a count, the span."""

    key: str
    fields: dict[str, FieldValue]
    row: int
    raw: str
    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    attribution: Attribution | None = None


@dataclass
class Batch:
    aggregates: list[Aggregate] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    last_row: int = 0
    """The input row last read: where a re-run resumes once this batch is stored."""

    @property
    def rejected_count(self) -> int:
        return len(self.rejected)


def _window_start(moment: dt.datetime, window: dt.timedelta) -> dt.datetime:
    steps = (moment - _EPOCH) // window
    return _EPOCH + steps * window


GroupKey = tuple[str, FieldValue, FieldValue, FieldValue, FieldValue, dt.datetime]


def _group_key(fields: dict[str, FieldValue], window_start: dt.datetime) -> GroupKey:
    name, value = "", None
    for name in OBSERVABLES:
        value = fields.get(name)
        if value is not None:
            break
    return (
        name if value is not None else "", value, fields.get("classification.type"),
        fields.get("classification.identifier"), fields.get("feed.name"), window_start,
    )  # fmt: skip


def aggregate_key(fields: dict[str, FieldValue], window_start: dt.datetime) -> str:
    """Return the stable identity of the aggregate ``fields`` belongs to (32 hex chars)."""
    return _digest(_group_key(fields, window_start))


def _digest(key: GroupKey) -> str:
    name, value, kind, identifier, feed, start = key
    parts = (f"{name}={value}" if name else "", str(kind or ""), str(identifier or ""),
             str(feed or ""), start.isoformat())  # fmt: skip
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


class _Aggregator:
    """Groups rows by a cheap tuple key; the stable hash is computed once per group."""

    def __init__(self, window: dt.timedelta, attribute: Attributor | None) -> None:
        self.window = window
        self.attribute = attribute
        self.groups: dict[GroupKey, Aggregate] = {}
        self.starts: dict[dt.datetime, dt.datetime] = {}

    def _start(self, moment: dt.datetime) -> dt.datetime:
        start = self.starts.get(moment)
        if start is None:
            if len(self.starts) > 100_000:
                self.starts.clear()
            start = self.starts[moment] = _window_start(moment, self.window)
        return start

    def add(self, row: Accepted) -> None:
        fields = row.fields
        moment = fields["time.source"]
        assert isinstance(moment, dt.datetime)  # required by every parser
        key = _group_key(fields, self._start(moment))
        group = self.groups.get(key)
        if group is None:
            self.groups[key] = Aggregate("", fields, row.row, row.raw, 1, moment, moment)
            return
        group.count += 1
        if moment < group.first_seen:
            group.first_seen = moment
        elif moment > group.last_seen:
            group.last_seen = moment

    def flush(self) -> list[Aggregate]:
        groups = self.groups
        self.groups = {}
        for key, group in groups.items():
            group.key = _digest(key)
            ip = group.fields.get("source.ip")
            if self.attribute is not None and isinstance(ip, str):
                group.attribution = self.attribute(ip, group.first_seen.date())
        return list(groups.values())


def run_pipeline(
    rows: Iterable[Row],
    attribute: Attributor | None = None,
    window: dt.timedelta = DEFAULT_WINDOW,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> Iterator[Batch]:
    """Yield batches of deduplicated, aggregated, attributed rows (see the module docstring)."""
    seen: set[int] = set()
    aggregator = _Aggregator(window, attribute)
    batch = Batch()
    for row in rows:
        batch.read += 1
        batch.last_row = row.row
        if isinstance(row, Rejected):
            batch.rejected.append(row)
        elif (fingerprint := hash(row.raw)) in seen:
            batch.duplicates += 1
        else:
            seen.add(fingerprint)
            batch.accepted += 1
            aggregator.add(row)
        if batch.read >= batch_rows:
            batch.aggregates = aggregator.flush()
            yield batch
            batch = Batch()
    if batch.read:
        batch.aggregates = aggregator.flush()
        yield batch
