"""Plans a, b-d, e and h of ``duckdb_engine``: which records and hub events match what.

Every plan works on the *distinct* keys of the records (DNS logs repeat the same names over and
over): it turns them into a small hit table ``(key, indicator_kind, indicator, valid_from,
valid_until)``; then one join per key column takes the records back through their
hit table and keeps the rows inside the indicator's validity window. No record is ever compared
with every indicator.

- a) domain: the distinct ``qname`` values (``duckdb_names``: read from the Parquet dictionary
  pages where the files have them), each expanded into its suffixes at label boundaries
  by a recursive CTE (``a.b.c`` → ``a.b.c``, ``b.c``, ``c``), equi-joined with the domain
  indicators' values;
- b, c) IP and CIDR: ``duckdb_addresses`` over the distinct ``dst_ip`` values and URL hosts;
- d) URL: the distinct ``url`` values, each expanded into itself and its prefixes that end in
  ``/``, equi-joined with the URL indicators' values (the URL's host also goes through b, c);
- e) validity: ``valid_from <= ts < valid_until`` per record, nulls open;
- h) hub events: appended as matches of kind ``event`` without any indicator join.
"""

from __future__ import annotations

import duckdb

from cleannet.engines.matching.duckdb_addresses import create_address_hits
from cleannet.engines.matching.duckdb_names import RecordNames

__all__ = ["create_matches"]

_NAME_HITS = """
CREATE TEMP TABLE name_hits AS
WITH RECURSIVE suffixes(qname, suffix) AS (
    SELECT qname, qname FROM record_names
    UNION ALL
    SELECT qname, substr(suffix, strpos(suffix, '.') + 1) FROM suffixes
    WHERE strpos(suffix, '.') > 0
)
SELECT s.qname AS key, i.indicator_kind, i.indicator, i.valid_from, i.valid_until
FROM suffixes s JOIN indicator i ON i.value = s.suffix
WHERE i.indicator_kind = 'domain'
"""

_URLS = """
CREATE TEMP TABLE urls AS
SELECT url, url_host(url) AS host FROM (SELECT DISTINCT url FROM records WHERE url IS NOT NULL)
"""

_ADDRESSES = """
CREATE TEMP TABLE addresses AS
SELECT dst_ip AS address FROM records WHERE dst_ip IS NOT NULL
UNION
SELECT host FROM urls WHERE address_number(host) IS NOT NULL
"""

# Each step cuts the prefix back to the '/' before its last character, so every prefix that
# ends in '/' is produced once, longest first.
_URL_PREFIX_HITS = """
WITH RECURSIVE prefixes(url, prefix) AS (
    SELECT url, url FROM urls
    UNION ALL
    SELECT url, left(prefix, length(prefix) - strpos(reverse(prefix[:-2]), '/'))
    FROM prefixes WHERE strpos(reverse(prefix[:-2]), '/') > 0
)
SELECT p.url AS key, i.indicator_kind, i.indicator, i.valid_from, i.valid_until
FROM prefixes p JOIN indicator i ON i.value = p.prefix
WHERE i.indicator_kind = 'url'
"""

_URL_HOST_HITS = """
SELECT u.url AS key, h.indicator_kind, h.indicator, h.valid_from, h.valid_until
FROM urls u JOIN address_hits h ON h.key = u.host
"""

# A record goes back through the hit table of one of its columns; the hit table's keys are few
# (the matched names or addresses), so DuckDB pushes them into the Parquet scan as a filter and
# decodes the other columns only around the rows that pass it.
_RECORD_MATCHES = """
SELECT r.filename AS source, r.file_row_number AS row_number, r.ts, r.client_ip, r.client_port,
       r.evidence, h.indicator_kind, h.indicator, h.family
FROM records r JOIN {hits}_family h ON r.{column} = h.key
WHERE (h.valid_from IS NULL OR h.valid_from <= r.ts)
  AND (h.valid_until IS NULL OR r.ts < h.valid_until)
"""

_MATCHES = """
CREATE TEMP TABLE matches (
    source VARCHAR, row_number BIGINT, ts TIMESTAMPTZ, client_ip VARCHAR, client_port INTEGER,
    evidence VARCHAR, indicator_kind VARCHAR, indicator VARCHAR, family VARCHAR
)
"""

# The family of an indicator is one per (kind, text), whatever row a record matched (R3); only
# the indicators some distinct key hit need one, and it is joined to the small hit tables, not
# to the matched records.
_HIT_FAMILIES = """
CREATE TEMP TABLE hit_family AS
SELECT indicator_kind, indicator, min(family) AS family FROM indicator
WHERE (indicator_kind, indicator) IN ({hits})
GROUP BY indicator_kind, indicator
"""

_HITS_WITH_FAMILY = """
CREATE TEMP TABLE {hits}_family AS
SELECT h.*, f.family FROM {hits} h JOIN hit_family f USING (indicator_kind, indicator)
"""

# Of a hit table: does a key hit one indicator text through several rows (validity windows)?
# It would give a record that indicator twice. And does every key hit one indicator text only?
# Then a record matches once at most through it.
_HIT_SHAPE = """
SELECT count(*) > count(DISTINCT (key, indicator_kind, indicator)),
       count(DISTINCT key) = count(DISTINCT (key, indicator_kind, indicator))
FROM {hits}
"""

_EVENT_MATCHES = """
INSERT INTO matches
SELECT filename, file_row_number, ts, ip, port, evidence, 'event', indicator, family FROM events
"""

# Names hit only domain indicators, addresses and URLs only the others: a record can match one
# indicator twice only inside one of these groups (its dst_ip and its URL's host).
_BRANCH_GROUPS = (("qname",), ("dst_ip", "url"))


def _indicator_kinds(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT DISTINCT indicator_kind FROM indicator").fetchall()
    return {kind for (kind,) in rows}


def _has_rows(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return con.execute(f"SELECT EXISTS (FROM {table})").fetchone() == (True,)


def _create_hit_tables(con: duckdb.DuckDBPyConnection, names: RecordNames) -> dict[str, str]:
    """Create the hit tables the indicators call for; return {record column: hit table}."""
    kinds = _indicator_kinds(con)
    columns = {}
    if "domain" in kinds:
        names.create_table(con)
        con.execute(_NAME_HITS)
        columns["qname"] = "name_hits"
    with_addresses = bool(kinds & {"ip", "cidr"})
    if with_addresses or "url" in kinds:
        con.execute(_URLS)
    if with_addresses:
        con.execute(_ADDRESSES)
        with_addresses = _has_rows(con, "addresses")  # DNS logs have none: no CIDR keys to build
    if with_addresses:
        create_address_hits(con)
        columns["dst_ip"] = "address_hits"
    if with_addresses or "url" in kinds:
        url_hits = [_URL_PREFIX_HITS] if "url" in kinds else []
        url_hits += [_URL_HOST_HITS] if with_addresses else []
        con.execute(f"CREATE TEMP TABLE url_hits AS {' UNION ALL '.join(url_hits)}")
        columns["url"] = "url_hits"
    return {column: table for column, table in columns.items() if _has_rows(con, table)}


def _hit_shape(con: duckdb.DuckDBPyConnection, table: str) -> tuple[bool, bool]:
    """Return whether ``table`` repeats a (key, indicator) and whether each key hits one."""
    row = con.execute(_HIT_SHAPE.format(hits=table)).fetchone()
    return (bool(row[0]), bool(row[1])) if row else (False, True)


def _insert_matches(con: duckdb.DuckDBPyConnection, hit_tables: dict[str, str]) -> bool:
    """Insert into ``matches`` the records' matches through ``hit_tables``, one per record and
    indicator (R3): a group of branches is made distinct only when it could repeat one.

    Returns whether a record can have one match at most (one group of branches, one table,
    one indicator per key): then the matches count the matched records.
    """
    groups = 0
    one_per_record = True
    for group in _BRANCH_GROUPS:
        tables = {column: hit_tables[column] for column in group if column in hit_tables}
        if not tables:
            continue
        groups += 1
        one_per_record = one_per_record and len(tables) == 1
        branches = " UNION ALL ".join(
            _RECORD_MATCHES.format(hits=table, column=column) for column, table in tables.items()
        )
        shapes = [_hit_shape(con, table) for table in tables.values()]
        repeats = len(tables) > 1 or any(repeated for repeated, _ in shapes)
        one_per_record = one_per_record and all(one for _, one in shapes)
        distinct = "DISTINCT" if repeats else ""
        con.execute(f"INSERT INTO matches SELECT {distinct} * FROM ({branches})")  # noqa: S608
    return groups <= 1 and one_per_record


def create_matches(con: duckdb.DuckDBPyConnection, names: RecordNames, *, with_events: bool) -> int:
    """Create table ``matches`` (one row per record and indicator it matches, then one per hub
    event) from the tables ``records``, ``indicator`` and, ``with_events``, ``events``;
    ``names`` gives the records' distinct names.

    Returns the number of log records that matched at least one indicator.
    """
    con.execute(_MATCHES)
    hit_tables = _create_hit_tables(con, names)
    if hit_tables:
        hits = " UNION ALL ".join(
            f"SELECT indicator_kind, indicator FROM {table}"  # noqa: S608 - our own table names
            for table in hit_tables.values()
        )
        con.execute(_HIT_FAMILIES.format(hits=hits))
        for table in hit_tables.values():
            con.execute(_HITS_WITH_FAMILY.format(hits=table))
        one_per_record = _insert_matches(con, hit_tables)
    counted = "*" if not hit_tables or one_per_record else "DISTINCT (source, row_number)"
    matched = con.execute(f"SELECT count({counted}) FROM matches").fetchone()  # noqa: S608
    if with_events:
        con.execute(_EVENT_MATCHES)
    return int(matched[0]) if matched else 0
