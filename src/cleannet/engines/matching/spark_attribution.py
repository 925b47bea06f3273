"""CGNAT translation, lease attribution and the three result tables on Spark (rules R4-R9 of
``duckdb_engine``).

Only matched rows and hub events come here (few next to the logs), one row per (record,
indicator_kind, indicator). Each lookup is a left join that keeps every covering block or
lease, grouped back into one row per matched row, so "none", "one" and "several" are told
apart, and several are reported, never guessed:

- CGNAT: a row's (client_ip, client_port, ts) → the sorted distinct ``inside_ip`` of the blocks with
  ``public_ip == client_ip``, ``port_from <= client_port <= port_to`` and ``start <= ts <
  end`` (end null: open). One: the row's address becomes it; none: it stays ``client_ip``;
  several: unattributed "overlapping CGNAT blocks", not looked up in the leases;
- leases: a row's (address, ts) → the sorted distinct subscribers of the leases with ``ip ==
  address`` and ``start <= ts < end``. One: attributed; none: "no lease"; several:
  "overlapping leases". Candidates are sorted, distinct and ";"-joined.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

from cleannet.engines.matching.spark_indicators import MATCHED_COLUMNS, RECORD_ID

__all__ = ["attribute", "daily_counts", "event_rows", "findings", "translate", "unattributed"]

NO_LEASE = "no lease"
OVERLAPPING_LEASES = "overlapping leases"
OVERLAPPING_BLOCKS = "overlapping CGNAT blocks"


def event_rows(events: DataFrame) -> DataFrame:
    """Return the hub's events as matched rows of kind "event" (no indicator, no validity)."""
    return events.select(
        *RECORD_ID,
        "ts",
        F.col("ip").alias("client_ip"),
        F.col("port").alias("client_port"),
        F.lit("event").alias("indicator_kind"),
        "indicator",
        "family",
        "evidence",
    ).select(*MATCHED_COLUMNS)


def _covers(start: Column, end: Column, ts: Column) -> Column:
    return (start <= ts) & (end.isNull() | (ts < end))


def _gathered(joined: DataFrame, columns: list[str], value: str, name: str) -> DataFrame:
    """Group the left-joined rows back into one per row (``columns`` hold a unique key) with
    ``name``: the sorted distinct non-null ``value`` of their partners (empty for none)."""
    kept = [F.col(f"row.{column}") for column in columns]
    return joined.groupBy(*kept).agg(F.array_sort(F.collect_set(value)).alias(name))


def translate(rows: DataFrame, blocks: DataFrame | None) -> DataFrame:
    """Add ``ip`` (the address after CGNAT translation) and ``blocks`` (the ";"-joined inside
    addresses when several blocks cover the row, else null).

    ``rows`` has ``MATCHED_COLUMNS``, unique per (record, indicator_kind, indicator).
    """
    if blocks is None:
        no_blocks = F.lit(None).cast("string")
        return rows.withColumn("ip", F.col("client_ip")).withColumn("blocks", no_blocks)
    covering = (
        (F.col("block.public_ip") == F.col("row.client_ip"))
        & F.col("row.client_port").between(F.col("block.port_from"), F.col("block.port_to"))
        & _covers(F.col("block.start"), F.col("block.end"), F.col("row.ts"))
    )
    joined = rows.alias("row").join(blocks.alias("block"), covering, how="left")
    inside = F.col("inside")
    return _gathered(joined, MATCHED_COLUMNS, "block.inside_ip", "inside").select(
        *MATCHED_COLUMNS,
        F.when(F.size(inside) == 1, F.element_at(inside, 1))
        .otherwise(F.col("client_ip"))
        .alias("ip"),
        F.when(F.size(inside) > 1, F.array_join(inside, ";")).alias("blocks"),
    )


def attribute(translated: DataFrame, leases: DataFrame) -> DataFrame:
    """Add ``subscribers`` (all whose lease covered ``ip`` at ``ts``, sorted; empty for none)
    and ``subscriber`` (set only when exactly one did and no CGNAT blocks overlapped)."""
    covering = (
        F.col("row.blocks").isNull()
        & (F.col("lease.ip") == F.col("row.ip"))
        & _covers(F.col("lease.start"), F.col("lease.end"), F.col("row.ts"))
    )
    joined = translated.alias("row").join(leases.alias("lease"), covering, how="left")
    columns = [*MATCHED_COLUMNS, "ip", "blocks"]
    attributed = _gathered(joined, columns, "lease.subscriber", "subscribers")
    single = F.col("blocks").isNull() & (F.size("subscribers") == 1)
    return attributed.withColumn("subscriber", F.when(single, F.element_at("subscribers", 1)))


def _attributed(rows: DataFrame) -> DataFrame:
    return rows.where(F.col("subscriber").isNotNull())


def findings(rows: DataFrame) -> DataFrame:
    """Return one finding per (subscriber, ip, indicator_kind, indicator) of attributed rows."""
    earliest = F.min(F.struct(F.col("ts"), F.col("evidence")))
    return (
        _attributed(rows)
        .groupBy("subscriber", "ip", "indicator_kind", "indicator")
        .agg(
            F.min("family").alias("family"),
            F.min("ts").alias("first_seen"),
            F.max("ts").alias("last_seen"),
            F.count(F.lit(1)).alias("count"),
            earliest["evidence"].alias("evidence"),
        )
    )


def daily_counts(rows: DataFrame) -> DataFrame:
    """Return per (UTC day, family, indicator_kind) the distinct subscribers and the records."""
    return (
        _attributed(rows)
        .groupBy(F.to_date("ts").alias("day"), "family", "indicator_kind")
        .agg(
            F.count_distinct("subscriber").alias("subscribers"),
            F.count(F.lit(1)).alias("records"),
        )
    )


def unattributed(rows: DataFrame) -> DataFrame:
    """Return the rows no single subscriber held, with the reason and the candidates."""
    several = F.size("subscribers") > 1
    reason = (
        F.when(F.col("blocks").isNotNull(), F.lit(OVERLAPPING_BLOCKS))
        .when(F.size("subscribers") == 0, F.lit(NO_LEASE))
        .otherwise(F.lit(OVERLAPPING_LEASES))
    )
    return rows.where(F.col("subscriber").isNull()).select(
        reason.alias("reason"),
        "ip",
        F.col("client_port").alias("port"),
        "ts",
        "indicator",
        F.coalesce("blocks", F.when(several, F.array_join("subscribers", ";"))).alias("candidates"),
        "evidence",
    )
