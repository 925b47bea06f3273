"""IP and CIDR indicators in DuckDB (plans b and c of ``duckdb_engine``).

Plan b, IP: the distinct addresses of the records (``dst_ip``, and a URL's host when it is an
IP address) equi-joined with the IP indicators' values.

Plan c, CIDR: an address is turned into a number (IPv4 in 32 bits, IPv6 in 128 bits as
``UHUGEINT``) by SQL macros; for each distinct (family, prefix length) among the CIDR
indicators every distinct address of that family gets its network key ``number >> (width -
length)``, and the keys are equi-joined with the CIDR indicators' own keys. There are few
distinct lengths, so this is a handful of hash joins, never a range join of every address with
every network. Only canonical text counts as an address (``normalise_ip``: dotted quad without
leading zeros, RFC 5952 IPv6 in lower case, an optional dotted tail); other text has no number
and matches no CIDR.
"""

from __future__ import annotations

import duckdb

__all__ = ["create_address_hits", "create_address_macros"]

_IPV4_OCTET = "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
_IPV4 = rf"{_IPV4_OCTET}(\.{_IPV4_OCTET}){{3}}"
_HEX = "[0-9a-f]{1,4}"
_IPV6_FULL = f"{_HEX}(:{_HEX}){{7}}"
_IPV6_COMPRESSED = f"(({_HEX}:)*{_HEX})?::({_HEX}(:{_HEX})*)?"

_MACROS = rf"""
CREATE OR REPLACE TEMP MACRO ipv4_number(a) AS CASE
    WHEN regexp_full_match(a, '{_IPV4}')
    THEN list_reduce(string_split(a, '.'), lambda n, octet: n * 256 + octet::UHUGEINT, 0::UHUGEINT)
END;
CREATE OR REPLACE TEMP MACRO hex_groups(t) AS
    CASE WHEN t = '' THEN []::VARCHAR[] ELSE string_split(t, ':') END;
CREATE OR REPLACE TEMP MACRO hex_number(groups) AS
    list_reduce(groups, lambda n, g: n * 65536 + ('0x' || g)::UHUGEINT, 0::UHUGEINT);
-- '::ffff:1.2.3.4' -> '::ffff:102:304': a dotted tail becomes its two hex groups.
CREATE OR REPLACE TEMP MACRO ipv6_without_dots(a) AS CASE
    WHEN NOT contains(a, '.') THEN a
    ELSE regexp_replace(a, '[^:]*$', '') || printf('%x:%x',
        ipv4_number(regexp_extract(a, '[^:]*$')) // 65536,
        ipv4_number(regexp_extract(a, '[^:]*$')) % 65536)
END;
-- Groups before '::' are shifted left past the zeros '::' stands for (at most 7 groups in all).
CREATE OR REPLACE TEMP MACRO ipv6_hex_number(h) AS CASE
    WHEN regexp_full_match(h, '{_IPV6_FULL}') THEN hex_number(hex_groups(h))
    WHEN regexp_full_match(h, '{_IPV6_COMPRESSED}')
        AND len(hex_groups(split_part(h, '::', 1))) + len(hex_groups(split_part(h, '::', 2))) <= 7
    THEN (hex_number(hex_groups(split_part(h, '::', 1)))
            << (16 * (8 - len(hex_groups(split_part(h, '::', 1)))))::UHUGEINT)
        + hex_number(hex_groups(split_part(h, '::', 2)))
END;
CREATE OR REPLACE TEMP MACRO address_number(a) AS
    CASE WHEN contains(a, ':') THEN ipv6_hex_number(ipv6_without_dots(a)) ELSE ipv4_number(a) END;
CREATE OR REPLACE TEMP MACRO network_key(number, v6, length) AS CASE
    WHEN length = 0 THEN 0::UHUGEINT
    ELSE number >> ((CASE WHEN v6 THEN 128 ELSE 32 END) - length)::UHUGEINT
END;
-- The host of a canonical URL ('scheme://host/path'), brackets of an IPv6 host removed.
CREATE OR REPLACE TEMP MACRO url_host(u) AS
    nullif(regexp_extract(u, '^[a-z][a-z0-9+.-]*://\[?([^/?\]]*)', 1), '');
"""

_CIDRS = """
CREATE TEMP TABLE cidr AS
WITH parts AS (
    SELECT indicator_kind, indicator, valid_from, valid_until,
           contains(value, ':') AS v6,
           address_number(split_part(value, '/', 1)) AS number,
           TRY_CAST(split_part(value, '/', 2) AS INTEGER) AS length
    FROM indicator WHERE indicator_kind = 'cidr'
)
SELECT *, network_key(number, v6, length) AS key FROM parts
WHERE number IS NOT NULL AND length BETWEEN 0 AND (CASE WHEN v6 THEN 128 ELSE 32 END)
"""

_IP_HITS = """
SELECT a.address AS key, i.indicator_kind, i.indicator, i.valid_from, i.valid_until
FROM addresses a JOIN indicator i ON i.value = a.address
WHERE i.indicator_kind = 'ip'
"""

_CIDR_HITS = """
SELECT a.address AS key, c.indicator_kind, c.indicator, c.valid_from, c.valid_until
FROM (SELECT address, contains(address, ':') AS v6, address_number(address) AS number
      FROM addresses) a
JOIN (SELECT DISTINCT v6, length FROM cidr) l ON l.v6 = a.v6
JOIN cidr c ON c.v6 = a.v6 AND c.length = l.length
    AND c.key = network_key(a.number, a.v6, l.length)
WHERE a.number IS NOT NULL
"""


def create_address_macros(con: duckdb.DuckDBPyConnection) -> None:
    """Define the SQL macros ``address_number``, ``network_key`` and ``url_host`` on ``con``."""
    con.execute(_MACROS)


def create_address_hits(con: duckdb.DuckDBPyConnection) -> None:
    """Create table ``address_hits(key, indicator_kind, indicator, valid_from, valid_until)``:
    each distinct address of table ``addresses(address)`` with every IP or CIDR indicator row
    it matches (validity is checked later, per record)."""
    con.execute(_CIDRS)
    con.execute(f"CREATE TEMP TABLE address_hits AS {_IP_HITS} UNION ALL {_CIDR_HITS}")
