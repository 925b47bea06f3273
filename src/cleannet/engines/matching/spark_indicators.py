"""The indicator join on Spark: log records × indicators → matched rows (rules R1-R3 of
``duckdb_engine``).

The records are read twice, one column at a time: once for their DISTINCT keys (qname,
dst_ip, url; logs repeat them), which ``spark_hits`` turns into hits, and once to join each
key column back to its hits. A record matches an indicator row when the row's validity
covers its ``ts`` (``valid_from <= ts < valid_until``, nulls open). A record matching the
same indicator text twice (two rows of it, or its dst_ip and its URL's host) is one match.
The family of an indicator text is the smallest non-null family of all its rows, looked up
for the texts among the hits only.
"""

from __future__ import annotations

from collections.abc import Collection

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

__all__ = [
    "KEY_COLUMNS",
    "MATCHED_COLUMNS",
    "MATCHED_DDL",
    "RECORD_ID",
    "distinct_keys",
    "families",
    "matches",
]

RECORD_ID = ["source", "row_number"]
"""The columns that tell records apart: the Parquet file and the row's index in it."""

MATCHED_DDL = (
    "source string, row_number bigint, ts timestamp, client_ip string, client_port int, "
    "indicator_kind string, indicator string, family string, evidence string"
)
"""A matched row: one per record (or hub event) and indicator text."""

MATCHED_COLUMNS = [column.split()[0] for column in MATCHED_DDL.split(", ")]

KEY_COLUMNS = ["qname", "dst_ip", "url"]
"""The record columns an indicator can match, each through its own hits."""


def distinct_keys(records: DataFrame) -> DataFrame:
    """Return (column, key): the distinct non-null values of each of ``KEY_COLUMNS``."""
    keys = [
        records.where(F.col(name).isNotNull())
        .select(F.lit(name).alias("column"), F.col(name).alias("key"))
        .distinct()
        for name in KEY_COLUMNS
    ]
    union = keys[0]
    for more in keys[1:]:
        union = union.unionByName(more)
    return union


def _valid_at(ts: Column) -> Column:
    valid_from, valid_until = F.col("valid_from"), F.col("valid_until")
    return (valid_from.isNull() | (valid_from <= ts)) & (valid_until.isNull() | (ts < valid_until))


def families(indicators: DataFrame, hits: DataFrame) -> DataFrame:
    """Return (indicator_kind, indicator, family) for the texts in ``hits``: the smallest
    non-null family among all rows of ``indicators`` (``INDICATOR``) with that kind and text."""
    rows = indicators.withColumnRenamed("kind", "indicator_kind")
    texts = hits.select("indicator_kind", "indicator").distinct()
    rows = rows.join(texts, on=["indicator_kind", "indicator"], how="left_semi")
    return rows.groupBy("indicator_kind", "indicator").agg(F.min("family").alias("family"))


def _through(records: DataFrame, hits: DataFrame, column: str) -> DataFrame:
    """Join the records that have ``column`` to its hits; keep those inside the validity."""
    own = hits.where(F.col("column") == column).drop("column").withColumnRenamed("key", column)
    joined = records.where(F.col(column).isNotNull()).join(own, on=column)
    kept = [name for name in MATCHED_COLUMNS if name not in ("family",)]
    return joined.where(_valid_at(F.col("ts"))).select(*kept)


def matches(
    records: DataFrame, hits: DataFrame, families: DataFrame, columns: Collection[str]
) -> DataFrame:
    """Return one row per (record, indicator text) that matches, with ``MATCHED_COLUMNS``.

    ``records`` has the ``LOG_RECORD`` columns and ``RECORD_ID``; ``hits`` is what
    ``spark_hits.all_hits`` returns for the record ``columns`` present; ``families`` what
    ``families`` returns for those hits.
    """
    joined = [_through(records, hits, column) for column in KEY_COLUMNS if column in columns]
    union = joined[0]
    for more in joined[1:]:
        union = union.unionByName(more)
    unique = union.dropDuplicates([*RECORD_ID, "indicator_kind", "indicator"])
    with_family = unique.join(families, on=["indicator_kind", "indicator"], how="left")
    return with_family.select(*MATCHED_COLUMNS)
