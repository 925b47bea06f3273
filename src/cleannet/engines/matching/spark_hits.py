"""The hit tables on Spark: which indicator rows each DISTINCT key of the records matches
(rule R2 of ``duckdb_engine``), before any record is joined back.

A hit is (column, key, indicator_kind, indicator, valid_from, valid_until): the record
column (``qname``, ``dst_ip`` or ``url``) and its value, and the indicator row it matches.
Every plan ends in an equi-join, never a cross join:

- qname: each name expanded into its label suffixes (``a.b.c`` → ``a.b.c``, ``b.c``,
  ``c``) and joined with the domain values;
- dst_ip: each address, and each URL host that is an address, joined with the IP values;
  its bit key (``spark_addresses``) cut at every prefix length the CIDRs of its version use,
  joined with the CIDR keys;
- url: each url expanded into itself and its prefixes ending in "/", joined with the URL
  values (a value equals the url, or ends in "/" and starts it); its host goes through
  the dst_ip plan.

Only the plans that the records' columns and the indicators' kinds call for are built: a
DNS log against domain indicators never pays for the address plans.
"""

from __future__ import annotations

from collections.abc import Collection

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

from cleannet.engines.matching.schema import IndicatorKind
from cleannet.engines.matching.spark_addresses import with_address_key, with_cidr_key

__all__ = ["HIT_COLUMNS", "all_hits", "indicator_rows", "planned_columns"]

HIT_COLUMNS = ["column", "key", "indicator_kind", "indicator", "valid_from", "valid_until"]

# The host of a canonical URL ("scheme://host/path"), the brackets of an IPv6 host removed.
_URL_HOST = r"^[a-z][a-z0-9+.-]*://\[?([^/?\]]*)"


def indicator_rows(indicators: DataFrame) -> DataFrame:
    """Return the ``INDICATOR`` rows with ``kind`` as ``indicator_kind``, without family."""
    rows = indicators.withColumnRenamed("kind", "indicator_kind")
    return rows.select("indicator_kind", "indicator", "value", "valid_from", "valid_until")


def _of_kind(rows: DataFrame, kind: IndicatorKind) -> DataFrame:
    return rows.where(F.col("indicator_kind") == kind.value)


def _hits(keys: DataFrame, column: str, rows: DataFrame, on: str) -> DataFrame:
    """Join ``keys`` (key, ``on``) with indicator ``rows`` on ``on`` == value: ``column`` hits."""
    joined = keys.join(rows.withColumnRenamed("value", on), on=on)
    return joined.withColumn("column", F.lit(column)).select(*HIT_COLUMNS)


def _label_suffixes(name: Column) -> Column:
    labels = F.split(name, r"\.")
    count = F.size(labels)
    return F.transform(
        F.sequence(F.lit(1), count), lambda i: F.array_join(F.slice(labels, i, count - i + 1), ".")
    )


def name_hits(names: DataFrame, rows: DataFrame) -> DataFrame:
    """Return the qname hits of the distinct ``names`` (key): every domain indicator a name
    is or is under."""
    suffixes = names.select("key", F.explode(_label_suffixes(F.col("key"))).alias("suffix"))
    return _hits(suffixes, "qname", _of_kind(rows, IndicatorKind.DOMAIN), "suffix")


def _cidr_hits(addresses: DataFrame, rows: DataFrame) -> DataFrame:
    """Return the hits of the CIDRs around ``addresses`` (key, bits), with ``bits``."""
    cidrs = with_cidr_key(_of_kind(rows, IndicatorKind.CIDR), "value", "network")
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


def address_hits(addresses: DataFrame, rows: DataFrame, kinds: Collection[str]) -> DataFrame:
    """Return the dst_ip hits of the distinct ``addresses`` (key) for the IP and CIDR
    indicators among ``kinds``, with ``bits`` (null for a text that is not an address)."""
    keyed = with_address_key(addresses, "key", "bits")
    plans = []
    if IndicatorKind.IP in kinds:
        ip_rows = _of_kind(rows, IndicatorKind.IP).withColumnRenamed("value", "key")
        ips = keyed.join(ip_rows, on="key").withColumn("column", F.lit("dst_ip"))
        plans.append(ips.select(*HIT_COLUMNS, "bits"))
    if IndicatorKind.CIDR in kinds:
        plans.append(_cidr_hits(keyed, rows))
    return _union(plans)


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


def url_hits(urls: DataFrame, rows: DataFrame) -> DataFrame:
    """Return the url hits of the distinct ``urls`` (key): every URL indicator equal to a
    url or ending in "/" and starting it (each prefix but the url itself ends in "/")."""
    prefixes = urls.select("key", F.explode(_url_prefixes(F.col("key"))).alias("prefix"))
    return _hits(prefixes, "url", _of_kind(rows, IndicatorKind.URL), "prefix")


def _union(frames: list[DataFrame]) -> DataFrame:
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    return union


def _by_address(
    keys: DataFrame, rows: DataFrame, columns: Collection[str], kinds: Collection[str]
) -> list[DataFrame]:
    """Return the dst_ip hits and the url hits through an address host, as called for."""
    urls = keys.where(F.col("column") == "url").select("key")
    hosts = urls.select("key", F.regexp_extract("key", _URL_HOST, 1).alias("host"))
    sources = [keys.where(F.col("column") == "dst_ip").select("key")] if "dst_ip" in columns else []
    sources += [hosts.select(F.col("host").alias("key"))] if "url" in columns else []
    by_address = address_hits(_union(sources).distinct(), rows, kinds)
    plans = [by_address.drop("bits")] if "dst_ip" in columns else []
    if "url" in columns:
        # A URL's host counts only when it is an address (R2); a name goes through qname.
        addresses = by_address.where(F.col("bits").isNotNull()).withColumnRenamed("key", "host")
        by_host = hosts.join(addresses.drop("column", "bits"), on="host")
        plans.append(by_host.withColumn("column", F.lit("url")).select(*HIT_COLUMNS))
    return plans


def planned_columns(columns: Collection[str], kinds: Collection[str]) -> list[str]:
    """Return the record columns that some plan matches, given the record ``columns``
    present and the indicator ``kinds`` present (in ``KEY_COLUMNS`` order)."""
    addresses = bool({IndicatorKind.IP, IndicatorKind.CIDR} & set(kinds))
    planned = ["qname"] if "qname" in columns and IndicatorKind.DOMAIN in kinds else []
    planned += ["dst_ip"] if "dst_ip" in columns and addresses else []
    planned += ["url"] if "url" in columns and (addresses or IndicatorKind.URL in kinds) else []
    return planned


def all_hits(
    keys: DataFrame, rows: DataFrame, columns: Collection[str], kinds: Collection[str]
) -> DataFrame | None:
    """Return the hits (``HIT_COLUMNS``) of the distinct (column, key) ``keys``, or None
    when no plan applies: ``columns`` are the record columns present among the keys,
    ``kinds`` the indicator kinds present among ``rows`` (``indicator_rows``)."""
    planned = planned_columns(columns, kinds)
    plans = []
    if "qname" in planned:
        plans.append(name_hits(keys.where(F.col("column") == "qname").select("key"), rows))
    if {IndicatorKind.IP, IndicatorKind.CIDR} & set(kinds) and {"dst_ip", "url"} & set(planned):
        plans += _by_address(keys, rows, planned, kinds)
    if "url" in planned and IndicatorKind.URL in kinds:
        plans.append(url_hits(keys.where(F.col("column") == "url").select("key"), rows))
    return _union(plans) if plans else None
