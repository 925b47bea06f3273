"""The Spark engine: the DuckDB engine's rules (``duckdb_engine``, R1-R11) on Spark, for the
ISPs whose logs need a cluster.

``ENGINE.run(job)`` reads the job's Parquet tables into Spark, each log record and hub event
named by its file and row index; matches the records against the indicators
(``spark_indicators``); adds the hub's events; translates CGNAT addresses and attributes the
matched rows to subscribers (``spark_attribution``); and returns the three tables as Arrow
through ``output.finish_table`` (cast to their schemas, sorted the same way as every engine).

The plans, in the order they run: the indicator kinds present (one small query; unknown
kinds are named in ``notes``); the distinct keys of the records (kept); the hit tables the
present columns and kinds call for (``spark_hits``, kept); the records joined back through
their hits (``spark_indicators``), hub events appended (kept); CGNAT and leases; the three
results. Spark has no 128-bit integer: CIDRs compare bit strings (``spark_addresses``).

By default Spark runs in this process as ``local[job.threads]``; ``SparkEngine(master)``
names a cluster instead ("spark://host:7077", "yarn"), whose executors must then read the
job's files at the same paths. The session is shared by the process (``spark_session``).
Measured on the benchmark's first 5M DNS records × 1.2M indicators × 1M leases (2 shared
cores, a fresh process, JVM start included): about 110 s, the same counts as DuckDB.
"""

from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

from cleannet.engines.matching.output import finish_table
from cleannet.engines.matching.schema import (
    CGNAT_BLOCK,
    HUB_EVENT,
    INDICATOR,
    LEASE,
    LOG_RECORD,
    IndicatorKind,
    MatchJob,
    MatchResult,
)
from cleannet.engines.matching.spark_attribution import (
    attribute,
    daily_counts,
    event_rows,
    findings,
    translate,
    unattributed,
)
from cleannet.engines.matching.spark_hits import all_hits, indicator_rows, planned_columns
from cleannet.engines.matching.spark_indicators import (
    MATCHED_DDL,
    RECORD_ID,
    distinct_keys,
    families,
    matches,
)
from cleannet.engines.matching.spark_session import local_master, spark_session

__all__ = ["ENGINE", "SparkEngine", "indicator_kinds", "read_table", "result_table"]

_SPARK_TYPES = {
    pa.string(): "string",
    pa.int32(): "int",
    pa.int64(): "bigint",
    pa.date32(): "date",
    pa.timestamp("us", tz="UTC"): "timestamp",
}


def read_table(
    spark: SparkSession, paths: list[Path], schema: pa.Schema, *, with_id: bool = False
) -> DataFrame:
    """Return the Parquet files ``paths`` as a DataFrame with exactly ``schema``'s columns,
    and, ``with_id``, ``source`` (the file) and ``row_number`` (the row's index in it).

    No paths give an empty DataFrame of that shape. Raises ``KeyError`` for a column type
    the matching schemas do not use.
    """
    types = [(field.name, _SPARK_TYPES[field.type]) for field in schema]
    if with_id:
        types += [("source", "string"), ("row_number", "bigint")]
    if not paths:
        ddl = ", ".join(f"`{name}` {spark_type}" for name, spark_type in types)
        return spark.createDataFrame([], ddl)
    frame = spark.read.parquet(*(str(path) for path in paths))
    if with_id:
        frame = frame.select(
            "*",
            F.col("_metadata.file_path").alias("source"),
            F.col("_metadata.row_index").alias("row_number"),
        )
    return frame.select(*(F.col(name).cast(spark_type).alias(name) for name, spark_type in types))


def result_table(frame: DataFrame, name: str) -> pa.Table:
    """Collect ``frame`` as the result table ``name`` ("findings", "daily_counts" or
    "unattributed"): cast to its schema and sorted as ``output.finish_table`` promises."""
    return finish_table(frame.toArrow(), name)


def indicator_kinds(indicators: DataFrame) -> dict[str, int]:
    """Return the number of indicator rows of each kind."""
    return {row["kind"]: row["count"] for row in indicators.groupBy("kind").count().collect()}


class SparkEngine:
    """Matching on Spark; ``master`` None means ``local[job.threads]`` in this process."""

    name = "spark"

    def __init__(self, master: str | None = None) -> None:
        self.master = master

    def session(self, job: MatchJob) -> SparkSession:
        """Return the process's session, started for ``job`` if none runs yet."""
        master = self.master or local_master(job.threads)
        return spark_session(master, job.memory_limit, job.work_dir)

    def _matched_rows(
        self, spark: SparkSession, job: MatchJob, kept: list[DataFrame], notes: list[str]
    ) -> DataFrame:
        """Return the records' matches followed by the hub's events. The frames it persists
        are added to ``kept``, the indicator kinds no plan reads to ``notes``."""
        indicators = read_table(spark, [job.indicators], INDICATOR)
        kinds = indicator_kinds(indicators)
        notes.extend(
            f"ignored {count} indicators of kind {kind!r}"
            for kind, count in sorted(kinds.items())
            if kind not in set(IndicatorKind)
        )
        records = read_table(spark, job.records, LOG_RECORD, with_id=True)
        # The distinct keys are few next to the records (logs repeat names and addresses);
        # kept, they are read once for every plan.
        keys = _persist(distinct_keys(records), kept)
        columns = {row["column"] for row in keys.select("column").distinct().collect()}
        hits = all_hits(keys, indicator_rows(indicators), columns, kinds)
        if hits is None:
            rows = spark.createDataFrame([], MATCHED_DDL)
        else:
            hits = _persist(hits, kept)
            planned = planned_columns(columns, kinds)
            rows = matches(records, hits, families(indicators, hits), planned)
        if job.events is not None:
            events = read_table(spark, [job.events], HUB_EVENT, with_id=True)
            rows = rows.unionByName(event_rows(events))
        return _persist(rows, kept)

    def run(self, job: MatchJob) -> MatchResult:
        """Match ``job`` and return the findings, daily counts and unattributed matches.

        Raises ``ValueError`` for a memory limit that is not a size, ``RuntimeError`` when
        Spark cannot start, and Spark's own errors for input files it cannot read.
        """
        started = time.monotonic()
        spark = self.session(job)
        kept: list[DataFrame] = []
        notes: list[str] = []
        try:
            rows = self._matched_rows(spark, job, kept, notes)
            blocks = read_table(spark, [job.cgnat], CGNAT_BLOCK) if job.cgnat else None
            leases = read_table(spark, [job.leases], LEASE)
            attributed = _persist(attribute(translate(rows, blocks), leases), kept)
            logged = rows.where(F.col("indicator_kind") != "event").select(*RECORD_ID)
            result = MatchResult(
                findings=result_table(findings(attributed), "findings"),
                daily_counts=result_table(daily_counts(attributed), "daily_counts"),
                unattributed=result_table(unattributed(attributed), "unattributed"),
                records_read=read_table(spark, job.records, LOG_RECORD).count(),
                records_matched=logged.distinct().count(),
                notes=notes,
            )
        finally:
            for frame in kept:
                frame.unpersist()
        result.seconds = time.monotonic() - started
        return result


def _persist(frame: DataFrame, kept: list[DataFrame]) -> DataFrame:
    """Return ``frame`` marked to be kept once computed, remembered in ``kept``."""
    kept.append(frame.persist())
    return frame


ENGINE = SparkEngine()
