"""Storing one pipeline batch: aggregates merged into events, evidence, rejected rows.

The caller (``intel.ingest``) holds the transaction. Each batch is loaded into a temporary
staging table (``COPY`` on PostgreSQL, ``executemany`` on SQLite) and merged with
set-based SQL that both databases run alike:

1. the raw line of each aggregate that is not an event yet becomes ``Evidence`` (insert or
   ignore by digest, so a line is stored once however many events and runs cite it);
2. an aggregate whose first line is the evidence of its stored event is a line an earlier
   run counted already (a list feed downloaded again): that line is a duplicate, and the
   aggregate adds one less. Exact for feeds with one line per aggregate; for others only
   the first line of each aggregate is recognised (the content digest of the run catches
   a whole file ingested again);
3. the aggregates are upserted on ``event_hash``: a new one is inserted with its count,
   span, evidence, owner, prefix and family; a stored one gets ``count + n`` and the wider
   first/last seen. Its data and evidence stay those of the first observation stored.

Owners, prefixes and families are resolved with a few queries per batch, never per row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from cleannet.engines.feeds.pipeline import Aggregate
from cleannet.engines.feeds.records import Rejected
from cleannet.server.accounts.models import Organisation
from cleannet.server.intel.families import resolve_families
from cleannet.server.intel.models import Feed, FeedRun, RejectedRow, Tlp
from cleannet.server.intel.naming import alias_key
from cleannet.server.networks.models import Prefix

# Staging columns and their kinds; the first 23 are intel_event's own columns. PostgreSQL
# stages plain text, bigint and timestamptz (binary COPY wants the exact type of each
# column) and casts when merging.
_STAGING = (
    ("event_hash", "text"), ("recorded_at", "time"), ("time_source", "time"),
    ("time_observation", "time"), ("feed_id", "int"), ("classification_taxonomy", "text"),
    ("classification_type", "text"), ("classification_identifier", "text"),
    ("family_id", "int"), ("source_ip", "text"), ("source_port", "int"),
    ("source_asn", "int"), ("source_fqdn", "text"), ("source_url", "text"),
    ("destination_ip", "text"), ("destination_port", "int"), ("owner_id", "int"),
    ("prefix_id", "int"), ("tlp", "text"), ("data", "text"), ("count", "int"),
    ("first_seen", "time"), ("last_seen", "time"), ("evidence_digest", "text"),
    ("evidence_text", "text"), ("evidence_source", "text"), ("evidence_row", "int"),
)  # fmt: skip
_PG_TYPES = {"text": "text", "time": "timestamptz", "int": "int8"}
_PG_CASTS = {"source_ip": "::inet", "destination_ip": "::inet", "data": "::jsonb"}
_NAMES = [f'"{name}"' for name, _ in _STAGING]
_EVIDENCE_SQL = """
INSERT INTO intel_evidence (digest, text, source_name, "row", recorded_at)
SELECT s.evidence_digest, s.evidence_text, s.evidence_source, s.evidence_row, s.recorded_at
FROM ingest_staging s
WHERE NOT EXISTS (SELECT 1 FROM intel_event e WHERE e.event_hash = s.event_hash)
ON CONFLICT (digest) DO NOTHING"""
_MERGED_SQL = (
    "SELECT count(*) FROM ingest_staging s JOIN intel_event e ON e.event_hash = s.event_hash"
)
_REPEATED_SQL = """
UPDATE ingest_staging SET "count" = "count" - 1
WHERE EXISTS (SELECT 1 FROM intel_event e JOIN intel_evidence v ON v.id = e.evidence_id
              WHERE e.event_hash = ingest_staging.event_hash
                AND v.digest = ingest_staging.evidence_digest)"""
# ORDER BY: concurrent writers lock rows in the same order, so they wait rather than deadlock.
_UPSERT_SQL = """
INSERT INTO intel_event ({columns}, evidence_id)
SELECT {staged}, v.id FROM ingest_staging s
LEFT JOIN intel_evidence v ON v.digest = s.evidence_digest
WHERE true ORDER BY s.event_hash
ON CONFLICT (event_hash) DO UPDATE SET
    "count" = intel_event."count" + excluded."count",
    first_seen = {least}(COALESCE(intel_event.first_seen, intel_event.time_source),
                         excluded.first_seen),
    last_seen = {greatest}(COALESCE(intel_event.last_seen, intel_event.time_source),
                           excluded.last_seen)"""


def _upsert_sql(postgres: bool) -> str:
    """Return the merge for one database; built from this module's constants, never input."""
    event_columns = [name for name, _ in _STAGING[:23]]
    casts = _PG_CASTS if postgres else {}
    return _UPSERT_SQL.format(
        columns=", ".join(f'"{name}"' for name in event_columns),
        staged=", ".join(f's."{name}"{casts.get(name, "")}' for name in event_columns),
        least="least" if postgres else "min",
        greatest="greatest" if postgres else "max",
    )


_UPSERT = {True: _upsert_sql(postgres=True), False: _upsert_sql(postgres=False)}
_KEYS_PER_QUERY = 900  # under SQLite's smallest bound-parameter limit (999)
_TLP_SPELLING = {"WHITE": Tlp.CLEAR.value}

Stamp = Callable[[Any], Any]
"""Turns an aware time into what the database driver is given."""


@dataclass(frozen=True)
class StoreContext:
    """What every aggregate of a run shares: its feed and where each source's rows came from.

    ``locate(row)`` returns the source name and the row within it for a pipeline row number.
    """

    feed: Feed | None
    locate: Callable[[int], tuple[str, int]]


@dataclass(frozen=True)
class _Lookups:
    owners: dict[str, int]
    prefixes: dict[str, list[tuple[int, dt.date, dt.date | None]]]
    families: dict[str, int]


@dataclass(frozen=True)
class Stored:
    """What one batch did: events created and merged, lines an earlier run had counted."""

    created: int = 0
    merged: int = 0
    repeated: int = 0


def store_aggregates(aggregates: Sequence[Aggregate], context: StoreContext) -> Stored:
    """Merge ``aggregates`` into events (see the module docstring); return what it did.

    Call it inside a transaction: the staging table lives and dies within it. Aggregates
    with the same key are merged first (the pipeline's objects are updated in place).
    """
    unique = _merge_same_keys(aggregates)
    if not unique:
        return Stored()
    postgres = connection.vendor == "postgresql"
    stamp = _same if postgres else _sqlite_time
    lookups, now = _lookups(unique), stamp(timezone.now())
    rows = [_event_row(aggregate, context, lookups, now, stamp) for aggregate in unique]
    with connection.cursor() as cursor:
        _create_staging(cursor, postgres)
        (_copy_staging if postgres else _insert_staging)(cursor, rows)
        cursor.execute(_EVIDENCE_SQL)
        cursor.execute(_MERGED_SQL)
        merged = int(cursor.fetchone()[0])
        cursor.execute(_REPEATED_SQL)
        repeated = cursor.rowcount
        cursor.execute(_UPSERT[postgres])
        # Dropped here, not on commit: the caller's transaction may be a savepoint of a
        # longer one, which could then not stage the next batch.
        cursor.execute("DROP TABLE ingest_staging")
    return Stored(len(unique) - merged, merged, repeated)


def store_rejects(run: FeedRun, rejected: Iterable[Rejected], context: StoreContext) -> int:
    """Keep ``rejected`` rows for review under ``run``; return how many were stored."""
    rows = []
    for reject in rejected:
        source, row = context.locate(reject.row)
        field = (reject.field or "")[:100]
        rows.append(RejectedRow(run=run, source_name=source[:255], row=row, field=field,
                                reason=reject.reason, raw=reject.raw))  # fmt: skip
    RejectedRow.objects.bulk_create(rows, batch_size=_KEYS_PER_QUERY // 7)
    return len(rows)


def _merge_same_keys(aggregates: Iterable[Aggregate]) -> list[Aggregate]:
    """Return one aggregate per key: one upsert must not touch the same event twice."""
    by_key: dict[str, Aggregate] = {}
    for aggregate in aggregates:
        kept = by_key.get(aggregate.key)
        if kept is None:
            by_key[aggregate.key] = aggregate
            continue
        kept.count += aggregate.count
        kept.first_seen = min(kept.first_seen, aggregate.first_seen)
        kept.last_seen = max(kept.last_seen, aggregate.last_seen)
    return list(by_key.values())


def _family_name(fields: dict[str, Any]) -> str:
    return str(fields.get("malware.name") or fields.get("classification.identifier") or "")


def _lookups(aggregates: Sequence[Aggregate]) -> _Lookups:
    """Resolve the batch's owner slugs, networks and family names, a few queries in all."""
    slugs = {a.attribution.owner for a in aggregates if a.attribution and a.attribution.owner}
    networks = {a.attribution.network for a in aggregates if a.attribution}
    owners = dict(Organisation.objects.filter(slug__in=slugs).values_list("slug", "id"))
    prefixes: dict[str, list[tuple[int, dt.date, dt.date | None]]] = {}
    ordered = sorted(n for n in networks if n)
    for start in range(0, len(ordered), _KEYS_PER_QUERY):
        chunk = ordered[start : start + _KEYS_PER_QUERY]
        values = Prefix.objects.filter(cidr__in=chunk).values_list(
            "cidr", "id", "valid_from", "valid_until"
        )
        for cidr, pk, valid_from, valid_until in values:
            prefixes.setdefault(cidr, []).append((pk, valid_from, valid_until))
    names = {_family_name(a.fields) for a in aggregates}
    found = resolve_families(names)
    # Keyed by the name as written, so each row costs a dict look-up, not a fold.
    families = {name: found[key].pk for name in names if (key := alias_key(name)) in found}
    return _Lookups(owners, prefixes, families)


def _prefix_id(lookups: _Lookups, network: str | None, day: dt.date) -> int | None:
    """Return the holding of ``network`` on ``day`` (the day the pipeline attributed on)."""
    for pk, valid_from, valid_until in lookups.prefixes.get(network or "", ()):
        if valid_from <= day and (valid_until is None or day < valid_until):
            return pk
    return None


def _event_row(
    aggregate: Aggregate, context: StoreContext, lookups: _Lookups, now: Any, stamp: Stamp
) -> tuple[Any, ...]:
    """Return ``aggregate`` as a row of the staging table, times passed through ``stamp``."""
    fields, who = aggregate.fields, aggregate.attribution
    data = _with_attribution(fields, who.asn if who else None, who.network if who else None)
    source, row = context.locate(aggregate.row)
    tlp = str(fields.get("tlp") or (context.feed.tlp if context.feed else Tlp.AMBER))
    return (
        aggregate.key, now, stamp(fields["time.source"]),
        stamp(fields.get("time.observation")), context.feed.pk if context.feed else None,
        fields.get("classification.taxonomy") or "", fields.get("classification.type") or "",
        str(fields.get("classification.identifier") or "")[:100],
        lookups.families.get(_family_name(fields)),
        fields.get("source.ip"), fields.get("source.port"), data.get("source.asn"),
        str(fields.get("source.fqdn") or "")[:255], str(fields.get("source.url") or ""),
        fields.get("destination.ip"), fields.get("destination.port"),
        lookups.owners.get(who.owner or "") if who else None,
        _prefix_id(lookups, who.network, aggregate.first_seen.date()) if who else None,
        _TLP_SPELLING.get(tlp.upper(), tlp.upper()), _json(data), aggregate.count,
        stamp(aggregate.first_seen), stamp(aggregate.last_seen),
        hashlib.sha256(aggregate.raw.encode("utf-8")).hexdigest(), aggregate.raw,
        source[:255], row,
    )  # fmt: skip


def _with_attribution(
    fields: dict[str, Any], asn: int | None, network: str | None
) -> dict[str, Any]:
    """Return ``fields`` with the attributed AS and network where the feed gave none."""
    missing: dict[str, Any] = {}
    if asn is not None and "source.asn" not in fields:
        missing["source.asn"] = asn
    if network and "source.network" not in fields:
        missing["source.network"] = network
    return {**fields, **missing} if missing else fields


def _json_value(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not an event value")


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, default=_json_value)


def _json(fields: dict[str, Any]) -> str:
    """Return the event's JSON as ``Event.to_dict`` has it: keys sorted, times ISO 8601."""
    return _ENCODER.encode(fields)


def _create_staging(cursor: Any, postgres: bool) -> None:
    if postgres:
        columns = ", ".join(f'"{name}" {_PG_TYPES[kind]}' for name, kind in _STAGING)
        cursor.execute(f"CREATE TEMP TABLE ingest_staging ({columns})")
    else:
        cursor.execute(f"CREATE TEMP TABLE ingest_staging ({', '.join(_NAMES)})")


def _copy_staging(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """Load ``rows`` with a binary ``COPY`` (psycopg 3): the fast path into PostgreSQL."""
    sql = f"COPY ingest_staging ({', '.join(_NAMES)}) FROM STDIN (FORMAT BINARY)"
    with cursor.cursor.copy(sql) as copy:
        copy.set_types([_PG_TYPES[kind] for _, kind in _STAGING])
        for row in rows:
            copy.write_row(row)


def _insert_staging(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    marks = ", ".join("%s" for _ in _NAMES)
    cursor.executemany(f"INSERT INTO ingest_staging VALUES ({marks})", rows)  # noqa: S608


def _same(value: Any) -> Any:
    return value


def _sqlite_time(value: Any) -> Any:
    """Return an aware time as Django writes it to SQLite (naive UTC text)."""
    if not isinstance(value, dt.datetime):
        return value
    if value.tzinfo is dt.UTC:  # what parsers give: the offset "+00:00" is all there is to cut
        return str(value)[:-6]
    return str(value.astimezone(dt.UTC).replace(tzinfo=None))
