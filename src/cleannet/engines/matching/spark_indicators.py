"""The indicator join on Spark: log records × indicators → matched rows (rules R1-R3 of
``duckdb_engine``).

Every plan works on the DISTINCT keys of the records and ends in an equi-join, never a
cross join. It builds a hit table (key, indicator_kind, indicator, family, windows), and one
join per key column takes the records back through it:

- qname: each distinct name expanded into its label suffixes (``a.b.c`` → ``a.b.c``,
  ``b.c``, ``c``) and joined with the domain values; DNS and HTTP records alike;
- dst_ip: each distinct address, and each URL host that is an address, joined with the IP
  values, and its bit key (``spark_addresses``) cut at every prefix length the CIDRs of its
  version use joined with the CIDR keys;
- url: each distinct url expanded into itself and its prefixes ending in "/" and joined with
  the URL values (a value equals the url, or ends in "/" and starts it); its host goes
  through the dst_ip plan.

Indicator rows are grouped per (kind, text, value) with their validity windows; a record
matches when one window covers its ``ts`` (``valid_from <= ts < valid_until``, nulls open).
A record matching the same indicator text twice (its dst_ip and its URL's host) is one
match. The family of an indicator text is the smallest non-null family of its rows.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

from cleannet.engines.matching.schema import IndicatorKind
from cleannet.engines.matching.spark_addresses import with_address_key, with_cidr_key

__all__ = [
    "MATCHED_COLUMNS",
    "RECORD_ID",
    "all_hits",
    "indicator_texts",
    "matches",
    "record_keys",
]

RECORD_ID = ["source", "row_number"]
"""The columns that tell records apart: the Parquet file and the row's index in it."""

MATCHED_COLUMNS = [
    *RECORD_ID,
    "ts",
    "client_ip",
    "client_port",
    "indicator_kind",
    "indicator",
    "family",
    "evidence",
]
"""The columns of a matched row (one per record and indicator text)."""

KEY_COLUMNS = ["qname", "dst_ip", "url"]
"""The record columns an indicator can match, each through its own hits."""

HIT_COLUMNS = ["column", "key", "indicator_kind", "indicator", "family", "windows"]

# The host of a canonical URL ("scheme://host/path"), the brackets of an IPv6 host removed.
_URL_HOST = r"^[a-z][a-z0-9+.-]*://\[?([^/?\]]*)"


def indicator_texts(indicators: DataFrame) -> DataFrame:
    """Return one row per (indicator_kind, indicator, value) of the kinds the plans read:
    ``family`` (the smallest non-null of the text's rows) and ``windows`` (their validity)."""
    kinds = [kind.value for kind in IndicatorKind]
    family = F.min("family").over(Window.partitionBy("kind", "indicator"))
    rows = indicators.where(F.col("kind").isin(kinds)).withColumn("family", family)
    window = F.struct(F.col("valid_from"), F.col("valid_until"))
    texts = rows.groupBy("kind", "indicator", "value", "family").agg(
        F.collect_list(window).alias("windows")
    )
    return texts.withColumnRenamed("kind", "indicator_kind")


def _of_kind(texts: DataFrame, kind: IndicatorKind) -> DataFrame:
    return texts.where(F.col("indicator_kind") == kind.value)


def _valid_at(ts: Column) -> Column:
    return F.exists(
        F.col("windows"),
        lambda w: (
            (w["valid_from"].isNull() | (w["valid_from"] <= ts))
            & (w["valid_until"].isNull() | (ts < w["valid_until"]))
        ),
    )


def _label_suffixes(name: Column) -> Column:
    labels = F.split(name, r"\.")
    count = F.size(labels)
    return F.transform(
        F.sequence(F.lit(1), count), lambda i: F.array_join(F.slice(labels, i, count - i + 1), ".")
    )


def _hits(keys: DataFrame, column: str, texts: DataFrame, on: str) -> DataFrame:
    """Join ``keys`` (key, ``on``) with ``texts`` on ``on`` == value; hits of ``column``."""
    joined = keys.join(texts.withColumnRenamed("value", on), on=on)
    return joined.withColumn("column", F.lit(column)).select(*HIT_COLUMNS)


def name_hits(names: DataFrame, texts: DataFrame) -> DataFrame:
    """Return the qname hits of distinct ``names`` (key): every domain indicator a name is
    or is under."""
    suffixes = names.select("key", F.explode(_label_suffixes(F.col("key"))).alias("suffix"))
    return _hits(suffixes, "qname", _of_kind(texts, IndicatorKind.DOMAIN), "suffix")


def _cidr_hits(addresses: DataFrame, texts: DataFrame) -> DataFrame:
    """Return the hits of the CIDRs around ``addresses`` (key, bits)."""
    cidrs = with_cidr_key(_of_kind(texts, IndicatorKind.CIDR), "value", "network")
    cidrs = cidrs.where(F.col("network").isNotNull()).drop("value")
    lengths = cidrs.select(
        F.substring("network", 1, 1).alias("version"), (F.length("network") - 1).alias("length")
    ).distinct()
    keyed = addresses.where(F.col("bits").isNotNull())
    keyed = keyed.withColumn("version", F.substring("bits", 1, 1))
    # One row per address and prefix length in use: few lengths, so this stays small.
    cut = keyed.join(lengths, on="version").select(
        "key", "bits", F.expr("substring(bits, 1, length + 1)").alias("network")
    )
    hits = cut.join(cidrs, on="network").withColumn("column", F.lit("dst_ip"))
    return hits.select(*HIT_COLUMNS, "bits")


def address_hits(addresses: DataFrame, texts: DataFrame) -> DataFrame:
    """Return the dst_ip hits of distinct ``addresses`` (key), with their ``bits`` (null
    for a text that is not an address): every IP indicator equal to an address and every
    CIDR around it."""
    keyed = with_address_key(addresses, "key", "bits")
    ip_texts = _of_kind(texts, IndicatorKind.IP).withColumnRenamed("value", "key")
    ips = keyed.join(ip_texts, on="key").withColumn("column", F.lit("dst_ip"))
    return ips.select(*HIT_COLUMNS, "bits").unionByName(_cidr_hits(keyed, texts))


def _url_prefixes(url: Column) -> Column:
    """Return the url and each of its prefixes that ends in "/", without repeats."""
    parts = F.split(url, "/")
    count = F.size(parts)
    prefixes = F.transform(
        F.sequence(F.lit(1), count - 1),
        lambda i: F.concat(F.array_join(F.slice(parts, 1, i), "/"), F.lit("/")),
    )
    # sequence(1, 0) counts down to 0: a url without "/" has no prefixes at all.
    prefixes = F.when(count > 1, prefixes).otherwise(F.array().cast("array<string>"))
    return F.array_distinct(F.concat(F.array(url), prefixes))


def url_hits(urls: DataFrame, texts: DataFrame) -> DataFrame:
    """Return the url hits of distinct ``urls`` (key): every URL indicator equal to a url
    or ending in "/" and starting it (each prefix but the url itself ends in "/")."""
    prefixes = urls.select("key", F.explode(_url_prefixes(F.col("key"))).alias("prefix"))
    return _hits(prefixes, "url", _of_kind(texts, IndicatorKind.URL), "prefix")


def all_hits(keys: DataFrame, texts: DataFrame) -> DataFrame:
    """Return the hits (``HIT_COLUMNS``) of the distinct (column, key) ``keys``."""
    names, dst_ips, urls = (
        keys.where(F.col("column") == name).select("key") for name in KEY_COLUMNS
    )
    hosts = urls.select("key", F.regexp_extract("key", _URL_HOST, 1).alias("host"))
    addresses = dst_ips.union(hosts.select(F.col("host").alias("key"))).distinct()
    by_address = address_hits(addresses, texts)
    # A URL's host counts only when it is an address (R2); a name goes through its qname.
    by_host = hosts.join(
        by_address.where(F.col("bits").isNotNull()).withColumnRenamed("key", "host"), on="host"
    )
    return (
        name_hits(names, texts)
        .unionByName(by_address.drop("bits"))
        .unionByName(url_hits(urls, texts))
        .unionByName(by_host.withColumn("column", F.lit("url")).select(*HIT_COLUMNS))
    )


def record_keys(records: DataFrame) -> DataFrame:
    """Return one row per record and key column it has: the record's ``MATCHED_COLUMNS``
    that come from it, ``column`` (a ``KEY_COLUMNS`` name) and ``key`` (its value)."""
    pairs = F.array(
        *(F.struct(F.lit(name).alias("column"), F.col(name).alias("key")) for name in KEY_COLUMNS)
    )
    present = F.filter(pairs, lambda pair: pair["key"].isNotNull())
    kept = [name for name in MATCHED_COLUMNS if name in records.columns]
    return records.select(*kept, F.inline(present))


def matches(keyed: DataFrame, hits: DataFrame) -> DataFrame:
    """Return one row per (record, indicator text) that matches, with ``MATCHED_COLUMNS``:
    the ``record_keys`` rows ``keyed`` joined with their ``hits`` inside a validity window."""
    matched = keyed.join(hits, on=["column", "key"]).where(_valid_at(F.col("ts")))
    return matched.select(*MATCHED_COLUMNS).dropDuplicates(
        [*RECORD_ID, "indicator_kind", "indicator"]
    )
