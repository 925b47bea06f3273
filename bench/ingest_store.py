"""The store stage of ``bench/ingest.py``: the pipeline's batches written to scratch tables.

CleanNet's own service that stores aggregates has not landed while this is written, so the
stage writes the pipeline's output the way the pipeline's contract asks a store to
(``cleannet.engines.feeds.pipeline``: an aggregate's ``key`` is stable and the store merges
it, the count grows, it is never stored twice): per batch, one transaction that bulk-loads
the aggregates and merges them on ``key``, plus the refused rows kept as evidence.

* SQLite: a scratch database file under ``var/bench/ingest`` (WAL, as the platform runs
  SQLite), deleted afterwards; ``INSERT … ON CONFLICT(key) DO UPDATE`` through
  ``executemany``.
* PostgreSQL: ``BENCH_POSTGRES_URL`` or ``postgresql://postgres@127.0.0.1:5432/test``, in a
  scratch schema ``bench_ingest_<pid>`` dropped afterwards; ``COPY`` into a staging table,
  then one ``INSERT … SELECT … ON CONFLICT`` per batch (the fast path for bulk merges).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
WORK = Path(__file__).resolve().parent.parent / "var" / "bench" / "ingest"

COLUMNS = ("key", "source_ip", "identifier", "feed", "count", "first_seen", "last_seen",
           "owner", "asn", "network", "fields", "raw")  # fmt: skip
_TABLES = """
CREATE TABLE aggregate (
    key TEXT PRIMARY KEY, source_ip TEXT, identifier TEXT, feed TEXT, count INTEGER NOT NULL,
    first_seen {time} NOT NULL, last_seen {time} NOT NULL, owner TEXT, asn BIGINT, network TEXT,
    fields TEXT NOT NULL, raw TEXT NOT NULL);
CREATE TABLE rejected (row_number INTEGER, reason TEXT, field TEXT, raw TEXT);
"""
_MERGE = """
INSERT INTO aggregate ({cols}) {source}
ON CONFLICT (key) DO UPDATE SET count = aggregate.count + excluded.count,
    first_seen = {least}(aggregate.first_seen, excluded.first_seen),
    last_seen = {greatest}(aggregate.last_seen, excluded.last_seen)
"""


def _json_default(value: object) -> str:
    """Times in an event's fields are ``datetime``; store them as ISO text."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__}")


def aggregate_row(aggregate: Any) -> tuple[Any, ...]:
    """Return one aggregate as a row of ``COLUMNS``."""
    fields, who = aggregate.fields, aggregate.attribution
    return (
        aggregate.key, fields.get("source.ip"), fields.get("classification.identifier"),
        fields.get("feed.name"), aggregate.count, aggregate.first_seen, aggregate.last_seen,
        who.owner if who else None, who.asn if who else None, who.network if who else None,
        json.dumps(fields, default=_json_default, separators=(",", ":")), aggregate.raw,
    )  # fmt: skip


def rejected_rows(batch: Any) -> list[tuple[Any, ...]]:
    """Return a batch's refused rows as rows of the ``rejected`` table."""
    return [(r.row, r.reason, r.field, r.raw) for r in batch.rejected]


@contextmanager
def sqlite_database() -> Iterator[sqlite3.Connection]:
    """Yield a fresh scratch SQLite database; delete it afterwards."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"store-{os.getpid()}.sqlite3"
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.executescript(_TABLES.format(time="TEXT"))
        yield connection
    finally:
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def store_sqlite(batches: Iterable[Any]) -> dict[str, int]:
    """Write every batch to SQLite, one transaction each; return what was written."""
    placeholders = ", ".join("?" for _ in COLUMNS)
    merge = _MERGE.format(cols=", ".join(COLUMNS), source=f"VALUES ({placeholders})",
                          least="min", greatest="max")  # fmt: skip
    written = {"aggregates": 0, "rejected": 0, "batches": 0}
    with sqlite_database() as db:
        for batch in batches:
            db.execute("BEGIN")
            db.executemany(merge, (aggregate_row(a) for a in batch.aggregates))
            db.executemany("INSERT INTO rejected VALUES (?, ?, ?, ?)", rejected_rows(batch))
            db.execute("COMMIT")
            _count(written, batch)
        written["stored"] = db.execute("SELECT count(*) FROM aggregate").fetchone()[0]
    return written


def _count(written: dict[str, int], batch: Any) -> None:
    """Add one stored batch to the running totals."""
    written["aggregates"] += len(batch.aggregates)
    written["rejected"] += len(batch.rejected)
    written["batches"] += 1


@contextmanager
def postgres_schema() -> Iterator[Any]:
    """Yield a connection whose search path is a fresh scratch schema; drop it afterwards."""
    import psycopg

    schema = f"bench_ingest_{os.getpid()}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
        try:
            connection.execute(f"SET search_path TO {schema}")
            connection.execute(_TABLES.format(time="TIMESTAMPTZ"))
            yield connection
        finally:
            connection.execute(f"DROP SCHEMA {schema} CASCADE")


def _copy(cursor: Any, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> None:
    """Stream ``rows`` into ``table`` with ``COPY`` (far faster than row-by-row inserts)."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def store_postgresql(batches: Iterable[Any]) -> dict[str, int]:
    """Write every batch to PostgreSQL, one transaction each; return what was written."""
    cols = ", ".join(COLUMNS)  # constants of this module, never input
    merge = _MERGE.format(cols=cols, source=f"SELECT {cols} FROM staging",  # noqa: S608
                          least="least", greatest="greatest")  # fmt: skip
    written = {"aggregates": 0, "rejected": 0, "batches": 0}
    with postgres_schema() as db:
        for batch in batches:
            with db.transaction(), db.cursor() as cursor:
                cursor.execute("CREATE TEMP TABLE staging (LIKE aggregate) ON COMMIT DROP")
                _copy(cursor, "staging", COLUMNS, (aggregate_row(a) for a in batch.aggregates))
                cursor.execute(merge)
                _copy(cursor, "rejected", ("row_number", "reason", "field", "raw"),
                      rejected_rows(batch))  # fmt: skip
            _count(written, batch)
        written["stored"] = db.execute("SELECT count(*) FROM aggregate").fetchone()[0]
    return written


def store(backend: str, batches: Iterable[Any]) -> dict[str, int]:
    """Store ``batches`` with ``backend`` (``sqlite`` or ``postgresql``)."""
    return {"sqlite": store_sqlite, "postgresql": store_postgresql}[backend](batches)
