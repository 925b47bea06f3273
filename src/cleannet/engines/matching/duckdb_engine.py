"""The DuckDB engine (the default): a ``MatchJob`` in, a ``MatchResult`` out, one connection.

The rules below are the exact meaning of ``engine.py``'s six rules; every engine must give the
same tables for the same inputs, and the conformance suite (tests/engines/matching/engines)
holds them to it. "Smallest" text is by byte order of its UTF-8; times are microseconds UTC.

R1 Validity. An indicator row applies to a record when ``(valid_from is null or valid_from <=
   ts) and (valid_until is null or ts < valid_until)``.
R2 What matches (whatever the record's ``kind``; the columns it has decide), on exact text:
   - domain: ``qname == value`` or ``qname`` ends with ``"." + value``;
   - ip: ``dst_ip == value``, or the host of ``url`` (``scheme://HOST/…``, an IPv6 host
     without its brackets) ``== value`` when that host is an IP address;
   - cidr ``net/len``: one of those two addresses, of the same family (IPv6 text has a
     ``:``), whose first ``len`` bits are those of ``net``. Addresses are compared as the
     canonical text the schema promises (``normalise_ip``); on other text engines may differ;
   - url: ``url == value``, or ``value`` ends with ``/`` and ``url`` starts with ``value``.
   Indicator rows of any other kind are ignored (and named in ``notes``).
R3 One match per (record, indicator_kind, indicator): a record matching the same indicator
   text through several indicator rows (validity windows) or both its addresses counts once.
   A match's family is the smallest non-null ``family`` of all indicator rows with that kind
   and text (null when none has one).
R4 Hub events: each event row is one match of kind ``event`` with the event's indicator,
   family and evidence, its ``ip``/``port`` as client address and port; no validity check.
R5 CGNAT: a match whose ``client_port`` is set is looked up in the blocks with ``public_ip ==
   client_ip``, ``port_from <= client_port <= port_to``, ``start <= ts`` and (``end`` null or
   ``ts < end``). One distinct ``inside_ip``: the match's address becomes it; none: it stays
   ``client_ip``; several: unattributed, reason ``overlapping CGNAT blocks``, candidates the
   inside addresses, address ``client_ip``.
R6 Leases: the leases with ``ip ==`` the match's address, ``start <= ts`` and (``end`` null or
   ``ts < end``) (a record at a lease's end second belongs to the next lease). One distinct
   subscriber: attributed (two leases of the same subscriber are one); none: unattributed
   ``no lease``, candidates null; several: ``overlapping leases``, candidates the subscribers.
   Candidates are always sorted, distinct and joined with ``;``.
R7 Findings: per (subscriber, address, indicator_kind, indicator) over attributed matches:
   family the smallest non-null, ``first_seen``/``last_seen`` min/max ts, ``count`` the
   number of matches, ``evidence`` that of the match with the smallest (ts, evidence).
R8 Daily counts: per (UTC date of ts, family, indicator_kind) over attributed matches:
   ``subscribers`` distinct subscribers, ``records`` the number of matches.
R9 Unattributed: one row per unattributed match: reason, ip (the address looked up in the
   leases; ``client_ip`` for overlapping blocks), port (``client_port`` as logged), ts,
   indicator, candidates, evidence.
R10 ``records_read`` counts the log records; ``records_matched`` the log records with at least
   one match (hub events are in neither).
R11 Tables leave through ``output.finish_table``: cast to their schemas, sorted by
   ``SORT_KEYS`` then (unattributed) candidates and evidence, nulls last.

The plans, in the order they run (letters as in the issue's design):

a-e) ``duckdb_matches``: distinct keys of the records (names, read from the Parquet dictionary
     pages by ``duckdb_names``; addresses, URLs) are expanded
     (suffixes at label boundaries, network keys per prefix length, ``/``-prefixes) and
     equi-joined with the indicators into small hit tables, each with its indicators' family;
     one join per key column takes the records back through them: DuckDB pushes a Bloom
     filter of the few keys into the Parquet scan, tests it once per dictionary entry of a
     dictionary-encoded column, and decodes the other columns only around the rows that pass.
     Validity is applied per record; DISTINCT only where a record could meet one indicator twice.
f-i) ``duckdb_attribution``: CGNAT translation and lease lookup on the matched records only,
     keyed by the match's row id; the three results come out sorted.

Measured (CPU seconds, 2 threads, DuckDB 2.0) on 50M DNS records × 1M domain indicators, 3 %
of the records matching, written as the log readers write them (``RECORD_PARQUET_OPTIONS``,
row groups of ``RECORD_ROW_GROUP``): the match alone 7.6, of which loading the indicators 0.5,
the distinct names 1.9 in DuckDB plus 0.4 in a Python thread (``duckdb_names``: the 12.6M
entries of the row groups' dictionary pages, copied into a scratch Parquet file, where a
``SELECT DISTINCT qname`` over the records cost 4.5), their suffix join 0.8 (the recursive CTE
runs on one thread), and the records back through the 95k matched names 4.1. For scale,
DuckDB scans ``qname`` alone in 2.0 and every column of the file in 6.7: the join back reads
less than a full scan (DuckDB tests the names once per dictionary entry), but it must decode
``ts``, ``client_ip`` and ``evidence`` around the matches, and with 3 % of the records
matching, spread over the day, every page holds some.
Tried and dropped: the dictionaries read with pyarrow's ``read_dictionary`` (3.5 s on one
thread: it hashes every entry into one dictionary); with them, the records chosen by dictionary
index (a flag per entry, ``flags[indices]``, the other columns taken by row number): no faster
than the name join, at twice the memory; grouping by ``hash(qname)`` (a 64-bit hash that is
not collision-resistant would let a crafted name hide behind a popular one); a suffix test
pushed into the scan as a filter (evaluated per dictionary entry, but DuckDB's string functions
cost 10 or more); suffixes by label count from lists (no faster than the recursive CTE);
LZ4 for ``client_ip`` and ``evidence`` (the join back 20 % faster, the file 1.55× larger);
DELTA_(LENGTH_)BYTE_ARRAY for them (no faster, or slower); a file index instead of the file
name (no gain).
Before the encodings of ``RECORD_PARQUET_OPTIONS`` (every column dictionary-encoded), taking
the records back cost 5.6: a dictionary as large as its column is decoded whole.

Out of core: ``threads`` and ``memory_limit`` from the job; DuckDB spills to ``work_dir``
(a temporary directory when the job has none).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import NamedTuple

import duckdb

from cleannet.engines.matching.duckdb_addresses import create_address_macros
from cleannet.engines.matching.duckdb_attribution import (
    DAILY_COUNTS,
    FINDINGS,
    UNATTRIBUTED_ROWS,
    attribute_matches,
    result_table,
)
from cleannet.engines.matching.duckdb_matches import create_matches
from cleannet.engines.matching.duckdb_names import RecordNames
from cleannet.engines.matching.output import finish_table
from cleannet.engines.matching.schema import MatchJob, MatchResult

__all__ = ["ENGINE", "DuckDBEngine", "MatchCounts"]

_EMPTY_RECORDS = """
CREATE TEMP TABLE records (
    ts TIMESTAMPTZ, kind VARCHAR, client_ip VARCHAR, client_port INTEGER, qname VARCHAR,
    dst_ip VARCHAR, dst_port INTEGER, url VARCHAR, evidence VARCHAR,
    filename VARCHAR, file_row_number BIGINT
)
"""

_INDICATOR = """
CREATE TEMP TABLE indicator AS
SELECT kind AS indicator_kind, indicator, value, family, valid_from, valid_until
FROM {source} WHERE kind IN ('ip', 'cidr', 'domain', 'url')
"""

_IGNORED_KINDS = """
SELECT kind, count(*) FROM {source} WHERE kind NOT IN ('ip', 'cidr', 'domain', 'url')
GROUP BY kind ORDER BY kind
"""


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _parquet(paths: list[Path]) -> str:
    """Return the SQL that reads ``paths``, each row with its file name and row number."""
    files = ", ".join(_literal(path) for path in paths)
    return f"read_parquet([{files}], filename = true, file_row_number = true, union_by_name = true)"


def _connect(job: MatchJob, spill: Path) -> duckdb.DuckDBPyConnection:
    """Return an in-memory connection bounded by the job; raise ``ValueError`` for a bad
    ``memory_limit`` or ``threads``."""
    config: dict[str, str | bool | int | float | list[str]] = {
        "threads": job.threads,
        "memory_limit": job.memory_limit,
        "temp_directory": str(spill),
        # The results need no order from DuckDB (they are sorted at the end), and keeping
        # insertion order costs memory on large joins.
        "preserve_insertion_order": False,
    }
    try:
        con = duckdb.connect(":memory:", config=config)
    except duckdb.Error as error:
        raise ValueError(f"DuckDB refused the job's settings: {error}") from None
    con.execute("SET TimeZone = 'UTC'")  # times reach Arrow labelled UTC, whatever the host's zone
    create_address_macros(con)
    return con


def _load_inputs(con: duckdb.DuckDBPyConnection, job: MatchJob) -> list[str]:
    """Create the views and tables the plans read; return notes on what was ignored."""
    if job.records:
        con.execute(f"CREATE TEMP VIEW records AS SELECT * FROM {_parquet(job.records)}")  # noqa: S608
    else:
        con.execute(_EMPTY_RECORDS)
    indicators = f"read_parquet({_literal(job.indicators)})"
    con.execute(_INDICATOR.format(source=indicators))
    con.execute(f"CREATE TEMP VIEW leases AS SELECT * FROM read_parquet({_literal(job.leases)})")  # noqa: S608
    if job.cgnat is not None:
        con.execute(f"CREATE TEMP VIEW cgnat AS SELECT * FROM read_parquet({_literal(job.cgnat)})")  # noqa: S608
    if job.events is not None:
        con.execute(f"CREATE TEMP VIEW events AS SELECT * FROM {_parquet([job.events])}")  # noqa: S608
    ignored = con.execute(_IGNORED_KINDS.format(source=indicators)).fetchall()
    return [f"ignored {count} indicators of kind {kind!r}" for kind, count in ignored]


def _records_read(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM records").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def _spill_directory(job: MatchJob) -> Iterator[Path]:
    if job.work_dir is not None:
        job.work_dir.mkdir(parents=True, exist_ok=True)
        yield job.work_dir
        return
    with tempfile.TemporaryDirectory(prefix="cleannet-duckdb-") as spill:
        yield Path(spill)


class _Session(NamedTuple):
    con: duckdb.DuckDBPyConnection
    notes: list[str]  # what was ignored
    names: RecordNames  # the records' distinct names, gathered while the inputs load


@contextmanager
def _session(job: MatchJob) -> Iterator[_Session]:
    """Yield a connection with the job's inputs loaded, and the notes on what was ignored."""
    with (
        _spill_directory(job) as spill,
        closing(RecordNames(job.records, spill)) as names,
        closing(_connect(job, spill)) as con,
    ):
        yield _Session(con, _load_inputs(con, job), names)


class MatchCounts(NamedTuple):
    """What plans a-e and h found, before any attribution."""

    records_read: int
    records_matched: int  # log records with at least one match
    matches: int  # one per (record, indicator) and one per hub event


class DuckDBEngine:
    """Runs the plans above on one DuckDB connection per job."""

    name = "duckdb"

    def run(self, job: MatchJob) -> MatchResult:
        """Return the findings, daily counts and unattributed matches of ``job``.

        Raises ``ValueError`` for settings DuckDB refuses, ``duckdb.IOException`` for an input
        file that cannot be read, ``duckdb.Error`` for a file that is not of its schema.
        """
        started = time.perf_counter()
        with _session(job) as (con, notes, names):
            matched = create_matches(con, names, with_events=job.events is not None)
            attribute_matches(con, with_cgnat=job.cgnat is not None)
            result = MatchResult(
                findings=finish_table(result_table(con, FINDINGS), "findings"),
                daily_counts=finish_table(result_table(con, DAILY_COUNTS), "daily_counts"),
                unattributed=finish_table(result_table(con, UNATTRIBUTED_ROWS), "unattributed"),
                records_read=_records_read(con),
                records_matched=matched,
                notes=notes,
            )
        result.seconds = time.perf_counter() - started
        return result

    def count_matches(self, job: MatchJob) -> MatchCounts:
        """Run only the matching plans of ``job`` (records → matched records with their
        indicators, kept inside DuckDB) and return the counts; raises as ``run`` does.

        The benchmark measures the suffix match apart from attribution with it.
        """
        with _session(job) as (con, _, names):
            matched = create_matches(con, names, with_events=job.events is not None)
            row = con.execute("SELECT count(*) FROM matches").fetchone()
            return MatchCounts(_records_read(con), matched, int(row[0]) if row else 0)


ENGINE = DuckDBEngine()
