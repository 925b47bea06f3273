"""IP addresses and CIDRs as bit strings, in Spark SQL expressions (no Python UDF).

Spark has no 128-bit integer, so an address becomes its version ("4" or "6") followed by
its bits as a text of "0"/"1" (32 or 128 characters). A CIDR ``net/len`` becomes the
version followed by the first ``len`` bits of ``net``; an address is inside the CIDR exactly
when its key cut to that length equals the CIDR's key. Cutting every address at each prefix
length the CIDR indicators use turns "inside" into an equi-join, exact for IPv4 and IPv6.

Only the canonical text of ``cleannet.core.indicators.normalise_ip`` is an address (a dotted
quad without leading zeros; IPv6 in lower-case hex, ``::`` standing for at least one group,
an optional dotted IPv4 tail), as in ``duckdb_addresses``; any other text gives null (it
matches no CIDR) rather than an error.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812 (Spark's own convention)

__all__ = ["cidr_length", "with_address_key", "with_cidr_key"]

_IPV4 = r"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$"
_DOTTED_TAIL = r"([0-9]+\.[0-9]+\.[0-9]+\.[0-9]+)$"
_HEX_GROUP = r"^[0-9a-f]{1,4}$"


def _ipv4_bits(text: Column) -> Column:
    """Return the 32 bits of a dotted-quad IPv4 address, or null."""
    octets = F.split(text, r"\.")
    valid = text.rlike(_IPV4) & F.forall(octets, lambda octet: octet.try_cast("int") <= 255)
    bits = F.array_join(F.transform(octets, lambda octet: F.lpad(F.conv(octet, 10, 2), 8, "0")), "")
    return F.when(valid, bits)


def _hex_groups(bits: Column) -> Column:
    """Return the 32 bits of an IPv4 address as two IPv6 hex groups ("c633:6407")."""
    # conv() writes upper-case hex; canonical IPv6 groups are lower case.
    high = F.lower(F.conv(F.substring(bits, 1, 16), 2, 16))
    low = F.lower(F.conv(F.substring(bits, 17, 16), 2, 16))
    return F.concat(high, F.lit(":"), low)


def _groups(text: Column) -> Column:
    """Split a colon-separated part of an IPv6 address; the empty part has no groups."""
    return F.when(text == "", F.array().cast("array<string>")).otherwise(F.split(text, ":"))


def _ipv6_valid(plain: Column, missing: Column, groups: Column) -> Column:
    """Whether the expanded groups are an IPv6 address: one "::" standing for at least one
    group, or none and eight groups, each of one to four hex digits."""
    compressed = plain.contains("::")
    return (
        ~plain.rlike("::.*::|:::")
        & F.when(compressed, missing >= 1).otherwise(missing == 0)
        & F.forall(groups, lambda group: group.rlike(_HEX_GROUP))
    )


def _key(address: Column, dotted: Column, ipv4: Column, groups: Column) -> Column:
    ipv6 = F.array_join(
        F.transform(groups, lambda group: F.lpad(F.conv(group, 16, 2), 16, "0")), ""
    )
    return F.when(address.contains(":"), F.concat(F.lit("6"), ipv6)).otherwise(
        F.when(dotted == address, F.concat(F.lit("4"), ipv4))
    )


def with_address_key(frame: DataFrame, text: str, key: str) -> DataFrame:
    """Add column ``key``: "4" + 32 bits or "6" + 128 bits of the address in column ``text``,
    null when it is not the canonical text of an address.

    Built in stages (one projection each) because each stage uses the one before more than
    once: as one expression the generated code would grow past what the JVM compiles.
    """
    address, dotted, ipv4 = F.col(text), F.col("_dotted"), F.col("_ipv4")
    plain, head, tail = F.col("_plain"), F.col("_head"), F.col("_tail")
    missing, groups = F.col("_missing"), F.col("_groups")
    staged = frame.withColumn("_dotted", F.regexp_extract(address, _DOTTED_TAIL, 1))
    staged = staged.withColumn("_ipv4", _ipv4_bits(dotted))
    without_tail = F.regexp_replace(address, _DOTTED_TAIL, "")
    staged = staged.withColumn(
        "_plain",
        F.when(dotted == "", address).otherwise(F.concat(without_tail, _hex_groups(ipv4))),
    )
    compressed = plain.contains("::")
    staged = staged.withColumns(
        {
            "_head": _groups(
                F.when(compressed, F.substring_index(plain, "::", 1)).otherwise(plain)
            ),
            "_tail": _groups(F.when(compressed, F.substring_index(plain, "::", -1)).otherwise("")),
        }
    )
    staged = staged.withColumns(
        {
            "_missing": 8 - F.size(head) - F.size(tail),
            "_groups": F.concat(
                head, F.array_repeat(F.lit("0"), 8 - F.size(head) - F.size(tail)), tail
            ),
        }
    )
    valid = ~address.contains(":") | _ipv6_valid(plain, missing, groups)
    return staged.select(
        *(F.col(name) for name in frame.columns),
        F.when(valid, _key(address, dotted, ipv4, groups)).alias(key),
    )


def cidr_length(value: Column) -> Column:
    """Return the prefix length of a ``net/len`` text (what follows the first "/") as an
    int, null if it is not a number."""
    return F.try_element_at(F.split(value, "/"), F.lit(2)).try_cast("int")


def with_cidr_key(frame: DataFrame, value: str, key: str) -> DataFrame:
    """Add column ``key``: the version and the first ``len`` bits of ``net`` of the
    ``net/len`` CIDR in column ``value``; null when ``net`` is not an address or ``len`` is
    not within its version's bits."""
    staged = frame.withColumn("_net", F.substring_index(F.col(value), "/", 1))
    staged = with_address_key(staged, "_net", "_net_key").drop("_net")
    net_key, length = F.col("_net_key"), cidr_length(F.col(value))
    fits = F.col(value).contains("/") & (length >= 0) & (length + 1 <= F.length(net_key))
    return staged.withColumn(key, F.when(fits, F.substring(net_key, 1, length + 1))).drop(
        "_net_key"
    )
