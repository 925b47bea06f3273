"""Plans f, g and i of ``duckdb_engine``: CGNAT translation, lease attribution, the results.

Both lookups run on the *matched* records only (few next to the logs), each on the distinct
keys it needs: (public address, port, second) for the CGNAT blocks, (address, second) for the
leases. A lookup keeps the smallest and the largest covering inside address or subscriber:
equal means exactly one, so "none", "one" and "several" are told apart without building lists,
and several are reported (the candidates are listed only for those), never guessed.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

__all__ = ["DAILY_COUNTS", "FINDINGS", "UNATTRIBUTED_ROWS", "attribute_matches", "result_table"]

_BLOCK_HITS = """
CREATE TEMP TABLE block_hits AS
SELECT m.client_ip, m.client_port, m.ts, min(b.inside_ip) AS inside,
       CASE WHEN min(b.inside_ip) <> max(b.inside_ip)
            THEN string_agg(DISTINCT b.inside_ip, ';' ORDER BY b.inside_ip) END AS blocks
FROM (SELECT DISTINCT client_ip, client_port, ts FROM matches WHERE client_port IS NOT NULL) m
JOIN cgnat b ON b.public_ip = m.client_ip
    AND m.client_port BETWEEN b.port_from AND b.port_to
    AND b.start <= m.ts AND (b."end" IS NULL OR m.ts < b."end")
GROUP BY m.client_ip, m.client_port, m.ts
"""

# Every match keeps the row id of ``matches`` as ``id``: the lease lookup is keyed by it, so
# its result joins back on one integer instead of (address, time).
_TRANSLATED = """
CREATE TEMP TABLE translated AS
SELECT m.rowid AS id, m.*,
       CASE WHEN b.blocks IS NULL THEN coalesce(b.inside, m.client_ip) ELSE m.client_ip END AS ip,
       b.blocks
FROM matches m LEFT JOIN block_hits b
    ON b.client_ip = m.client_ip AND b.client_port = m.client_port AND b.ts = m.ts
"""

# Without CGNAT blocks nothing is translated: a view, not a copy of every match.
_UNTRANSLATED = """
CREATE TEMP VIEW translated AS
SELECT rowid AS id, *, client_ip AS ip, NULL::VARCHAR AS blocks FROM matches
"""

_LEASE_HITS = """
CREATE TEMP TABLE lease_hits AS
SELECT t.id, min(b.subscriber) AS first, max(b.subscriber) AS last
FROM translated t
JOIN leases b ON b.ip = t.ip AND b.start <= t.ts AND (b."end" IS NULL OR t.ts < b."end")
WHERE t.blocks IS NULL
GROUP BY t.id
"""

# A view: each result reads it once, and joining the lease hits back on an integer costs less
# than writing every match out again.
_ATTRIBUTED = """
CREATE TEMP VIEW attributed AS
SELECT t.*, h.first IS NOT NULL AS leased,
       CASE WHEN t.blocks IS NULL AND h.first = h.last THEN h.first END AS subscriber
FROM translated t LEFT JOIN lease_hits h ON h.id = t.id
"""

# Each result comes out in its ``SORT_KEYS`` order (DuckDB sorts in parallel, and
# ``finish_table`` then sorts an already ordered table in a fraction of the time).
FINDINGS = """
SELECT subscriber, ip, indicator_kind, indicator, min(family) AS family,
       min(ts) AS first_seen, max(ts) AS last_seen, count(*) AS count,
       arg_min(evidence, (ts, evidence)) AS evidence
FROM attributed WHERE subscriber IS NOT NULL
GROUP BY subscriber, ip, indicator_kind, indicator
ORDER BY subscriber, ip, indicator_kind, indicator
"""

# The UTC day by arithmetic on microseconds (floored, for times before 1970 too): a cast to
# DATE would go through the ICU time zone code for every row.
DAILY_COUNTS = """
SELECT DATE '1970-01-01' + CAST((epoch_us(ts) - ((epoch_us(ts) % 86400000000) + 86400000000)
           % 86400000000) // 86400000000 AS INTEGER) AS day,
       family, indicator_kind, count(DISTINCT subscriber) AS subscribers, count(*) AS records
FROM attributed WHERE subscriber IS NOT NULL
GROUP BY day, family, indicator_kind
ORDER BY day, family NULLS LAST, indicator_kind
"""

# The candidates are listed only for the few matches several subscribers' leases covered.
UNATTRIBUTED_ROWS = """
WITH overlapping AS (
    SELECT m.ip, m.ts, string_agg(DISTINCT b.subscriber, ';' ORDER BY b.subscriber) AS candidates
    FROM (SELECT DISTINCT ip, ts FROM attributed WHERE leased AND subscriber IS NULL) m
    JOIN leases b ON b.ip = m.ip AND b.start <= m.ts AND (b."end" IS NULL OR m.ts < b."end")
    GROUP BY m.ip, m.ts
)
SELECT CASE WHEN a.blocks IS NOT NULL THEN 'overlapping CGNAT blocks'
            WHEN NOT a.leased THEN 'no lease'
            ELSE 'overlapping leases' END AS reason,
       a.ip, a.client_port AS port, a.ts, a.indicator,
       coalesce(a.blocks, o.candidates) AS candidates, a.evidence
FROM attributed a LEFT JOIN overlapping o ON o.ip = a.ip AND o.ts = a.ts
WHERE a.subscriber IS NULL
ORDER BY ts, ip, port NULLS LAST, indicator, reason, candidates NULLS LAST, evidence
"""


def attribute_matches(con: duckdb.DuckDBPyConnection, *, with_cgnat: bool) -> None:
    """Create the view ``attributed``: every row of ``matches`` with ``ip`` (the address after
    CGNAT translation), ``blocks`` (the inside addresses of overlapping CGNAT blocks),
    ``leased`` (some lease covered ip at ts) and ``subscriber`` (set only when exactly one
    subscriber's did).

    Reads the tables ``matches``, ``leases`` and, ``with_cgnat``, ``cgnat``.
    """
    if with_cgnat:
        con.execute(_BLOCK_HITS)
        con.execute(_TRANSLATED)
    else:
        con.execute(_UNTRANSLATED)
    con.execute(_LEASE_HITS)
    con.execute(_ATTRIBUTED)


def result_table(con: duckdb.DuckDBPyConnection, query: str) -> pa.Table:
    """Return the rows of ``query`` as an Arrow table."""
    return con.sql(query).to_arrow_table()
