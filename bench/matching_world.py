"""The matching benchmark's world: indicators, the names clients look up, clients and leases.

Deterministic from ``Sizes`` (seed included). Everything is built as Arrow arrays from numpy
(see ``matching_strings``); the tables follow ``cleannet.engines.matching.schema``. The day
measured is 2026-03-04 UTC; leases change hands inside it and some indicators start or end
inside it, so the validity window and lease boundaries are exercised at scale.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass

import matching_strings as text
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from cleannet.core.indicators import normalise_domain
from cleannet.engines.matching import INDICATOR, LEASE

GENERATOR_VERSION = 4  # raise it when the generated data changes: kept inputs are by stem
DAY_START = dt.datetime(2026, 3, 4, tzinfo=dt.UTC)
DAY_S = 86_400
SECOND_US = 1_000_000
T0_US = int(DAY_START.timestamp()) * SECOND_US
FAMILIES = [
    "mirai",
    "mozi",
    "emotet",
    "qakbot",
    "lumma",
    "redline",
    "agenttesla",
    "formbook",
    "remcos",
    "njrat",
    "asyncrat",
    "gafgyt",
    "tofsee",
    "necurs",
    "conficker",
    "sality",
    "ramnit",
    "dridex",
    "icedid",
    "smokeloader",
]
FAMILY_WEIGHTS = [1 / (rank + 1) for rank in range(len(FAMILIES))]
SUFFIXES = [
    "com",
    "net",
    "org",
    "info",
    "xyz",
    "top",
    "vn",
    "com.vn",
    "net.vn",
    "ru",
    "cn",
    "io",
    "online",
    "site",
    "edu.vn",
    "co.uk",
]
SUFFIX_WEIGHTS = [30, 10, 5, 4, 4, 3, 8, 10, 3, 3, 3, 3, 2, 2, 1, 1]
SUBDOMAINS = [
    "www",
    "m",
    "api",
    "cdn",
    "img",
    "static",
    "mail",
    "login",
    "update",
    "dl",
    "s3",
    "ns1",
    "app",
    "auth",
    "track",
    "ads",
    "pay",
    "cloud",
    "files",
    "portal",
]
VIETNAMESE = ["ngân", "hàng", "việt", "tiền", "thưởng", "quà", "tặng", "đăng", "nhập", "bảo"]
MALICIOUS_SHARE = 0.05  # of the distinct names; Zipf puts about 2-3 % of lookups on them
POPULAR_BENIGN = 1000  # the most looked-up names are benign, as in real resolvers
# Blocks an indicator reader refuses (private, shared, loopback, link-local, special).
NOT_ROUTABLE_V4 = ["10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                   "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15"]  # fmt: skip
INFECTED_ONE_IN = 50  # clients; each looks its C2 name up again and again (see matching_data)


@dataclass(frozen=True)
class Sizes:
    """What to generate; the defaults are the issue's full benchmark."""

    records: int = 50_000_000
    names: int = 2_000_000
    clients: int = 1_000_000
    domain_indicators: int = 1_000_000
    ip_indicators: int = 200_000
    leases: int = 1_000_000
    seed: int = 1

    def stem(self) -> str:
        """Return a directory name that changes with every parameter."""
        return (
            f"v{GENERATOR_VERSION}-r{self.records}-n{self.names}-c{self.clients}-d{self.domain_indicators}"
            f"-i{self.ip_indicators}-l{self.leases}-s{self.seed}"
        )


@dataclass(frozen=True)
class World:
    """The generated tables and the vocabularies records are drawn from."""

    indicators: pa.Table  # INDICATOR
    leases: pa.Table  # LEASE
    names: pa.Array  # by popularity rank (rank 0 = most looked up)
    clients: pa.Array  # client addresses
    infected: np.ndarray  # indices into ``clients`` of devices that beacon to their C2 name
    beacons: np.ndarray  # per infected device, the rank of the malicious name it looks up


def build_world(sizes: Sizes) -> World:
    """Return the indicators, leases and vocabularies for ``sizes`` (same sizes, same world)."""
    rng = np.random.default_rng(sizes.seed)
    domains = domain_indicators(rng, sizes.domain_indicators)
    addresses = address_indicators(rng, sizes.ip_indicators)
    names, malicious = looked_up_names(rng, sizes, domains)
    clients = client_addresses(rng, sizes.clients)
    leases = lease_intervals(rng, clients, sizes.leases)
    infected = rng.choice(len(clients), size=max(1, len(clients) // INFECTED_ONE_IN), replace=False)
    beacons = rng.choice(malicious, size=len(infected))
    indicators = pa.concat_tables([domains, addresses])
    return World(indicators, leases, names, clients, infected, beacons)


def domain_indicators(rng: np.random.Generator, count: int) -> pa.Table:
    """Return ``count`` domain indicators; a few written in Unicode, upper case or with a dot.

    ``indicator`` is the text as an indicator feed would write it, ``value`` its normal form.
    """
    values = registrable_names(rng, np.arange(count))
    idn = min(count, max(1, count // 1000))
    idn_written = [
        _vietnamese(rng) + name.split(".")[0] + ".vn" for name in values[:idn].to_pylist()
    ]
    values = pa.concat_arrays(
        [pa.array([normalise_domain(name) for name in idn_written]), values[idn:]]
    )
    shouted = pa.array(rng.random(count) < 0.01)
    written = pc.if_else(shouted, text.join(pc.utf8_upper(values), "."), values)
    written = pa.concat_arrays([pa.array(idn_written), written[idn:]])
    return indicator_table(rng, "domain", written, values)


def _vietnamese(rng: np.random.Generator) -> str:
    first, second = rng.choice(len(VIETNAMESE), size=2, replace=False)
    return VIETNAMESE[first] + VIETNAMESE[second]


def registrable_names(rng: np.random.Generator, indices: np.ndarray) -> pa.Array:
    """Return a distinct registrable name per index (distinct indices, distinct names)."""
    prefix = text.letters(rng, len(indices), 0, 5)
    suffix = text.choose(rng, SUFFIXES, SUFFIX_WEIGHTS, len(indices))
    return text.join(text.join(prefix, text.distinct_stems(indices)), suffix, sep=".")


def address_indicators(rng: np.random.Generator, count: int) -> pa.Table:
    """Return ``count`` IP and CIDR indicators (IPv4 and IPv6; prefixes /16-/30, /32-/64)."""
    ip4, ip6, cidr4 = int(count * 0.7), int(count * 0.1), int(count * 0.15)
    cidr6 = count - ip4 - ip6 - cidr4
    singles = text.dotted_quads(_public_v4(rng, ip4))
    tables = [indicator_table(rng, "ip", singles, singles)]
    sixes = text.ipv6_texts(np.arange(ip6) * 7919 + 1, 0x2A00_1450 << 96)
    tables.append(indicator_table(rng, "ip", sixes, sixes))
    tables.append(indicator_table(rng, "cidr", *[_cidr4(rng, cidr4)] * 2))
    # /48../64 networks: the varying bits (32-47) lie inside every prefix, so each is exact.
    nets = text.ipv6_texts(np.arange(cidr6), 0x2A02_0000 << 96, shift=80).to_pylist()
    lengths = 48 + np.arange(cidr6) % 17
    cidrs = pa.array([f"{net}/{length}" for net, length in zip(nets, lengths, strict=True)])
    tables.append(indicator_table(rng, "cidr", cidrs, cidrs))
    return pa.concat_tables(tables)


def _public_v4(rng: np.random.Generator, count: int) -> np.ndarray:
    """Return ``count`` distinct globally routable IPv4 addresses (as the reader requires)."""
    drawn = np.unique(rng.integers(1 << 24, 224 << 24, size=count * 5 // 4 + 16))
    public = drawn[_routable(drawn, drawn)]
    return rng.permutation(public)[:count]


def _cidr4(rng: np.random.Generator, count: int) -> pa.Array:
    lengths = rng.integers(16, 31, size=count * 2)
    hosts = 32 - lengths
    starts = rng.integers(1 << 24, 224 << 24, size=count * 2) >> hosts << hosts
    keep = _routable(starts, starts + (1 << hosts) - 1)
    keys = np.unique(starts[keep] << 6 | lengths[keep])  # distinct networks
    keys = rng.permutation(keys)[:count]
    prefixes = pc.cast(pa.array(keys & 63), pa.string())
    return text.join(text.dotted_quads(keys >> 6), prefixes, sep="/")


def _routable(first: np.ndarray, last: np.ndarray) -> np.ndarray:
    """Return which ranges ``first..last`` (IPv4 integers) touch no non-routable block."""
    keep = np.ones(len(first), dtype=bool)
    for network in NOT_ROUTABLE_V4:
        block = ipaddress.IPv4Network(network)
        low, high = int(block.network_address), int(block.broadcast_address)
        keep &= (last < low) | (first > high)
    return keep


def indicator_table(
    rng: np.random.Generator, kind: str, written: pa.Array, values: pa.Array
) -> pa.Table:
    """Return INDICATOR rows with random families and validity windows around the day.

    About half are valid since always; some start or end inside the day; a few expired before it.
    """
    count = len(values)
    starts = T0_US - rng.integers(1, 90 * DAY_S, size=count) * SECOND_US
    inside = rng.integers(0, DAY_S, size=count) * SECOND_US + T0_US
    start_kind = rng.random(count)
    valid_from = np.where(start_kind < 0.08, inside, starts)
    until_kind = rng.random(count)
    valid_until = np.where(
        until_kind < 0.04, valid_from + 3600 * SECOND_US, T0_US + DAY_S * SECOND_US * 30
    )
    ends_inside = (until_kind >= 0.04) & (until_kind < 0.14)
    valid_until = np.where(
        ends_inside, np.maximum(inside, valid_from) + 6 * 3600 * SECOND_US, valid_until
    )
    from_null = (start_kind >= 0.5) & (until_kind >= 0.04)
    until_null = until_kind >= 0.3
    columns = {
        "kind": pa.array([kind] * count, pa.string()),
        "indicator": written,
        "value": values,
        "family": text.choose(rng, FAMILIES, FAMILY_WEIGHTS, count),
        "valid_from": pa.array(valid_from, INDICATOR.field("valid_from").type, mask=from_null),
        "valid_until": pa.array(valid_until, INDICATOR.field("valid_until").type, mask=until_null),
    }
    return pa.table(columns, schema=INDICATOR)


def looked_up_names(
    rng: np.random.Generator, sizes: Sizes, domains: pa.Table
) -> tuple[pa.Array, np.ndarray]:
    """Return the distinct names clients look up, by popularity rank, and the malicious ranks.

    About 5 % are indicator domains or names under them; the rest are benign, including
    traps a careless suffix match would hit (``xevil.com``, ``evil.com.benign.net``).
    """
    bad = int(sizes.names * MALICIOUS_SHARE)
    values = domains.column("value").combine_chunks()
    pool = rng.choice(len(values), size=min(len(values), max(1, bad)), replace=False)
    bare = values.take(pa.array(pool[: bad * 2 // 5]))
    under = values.take(pa.array(rng.choice(pool, bad - len(bare))))
    malicious = pa.concat_arrays([bare, _under(rng, under)])
    benign = _benign_names(rng, sizes.names - len(malicious), values)
    rest = pa.concat_arrays([benign[POPULAR_BENIGN:], malicious])
    order = rng.permutation(len(rest))
    names = pa.concat_arrays([benign[:POPULAR_BENIGN], rest.take(pa.array(order))])
    return names, np.flatnonzero(order >= len(rest) - len(malicious)) + POPULAR_BENIGN


def _under(rng: np.random.Generator, parents: pa.Array) -> pa.Array:
    count = len(parents)
    first = text.choose(rng, SUBDOMAINS, [1] * len(SUBDOMAINS), count)
    random = text.letters(rng, count, 3, 10)
    label = pc.if_else(rng.random(count) < 0.5, first, random)
    deeper = pc.if_else(
        rng.random(count) < 0.2, text.join(text.letters(rng, count, 1, 4), label, sep="."), label
    )
    return text.join(deeper, parents, sep=".")


def _benign_names(rng: np.random.Generator, count: int, indicator_values: pa.Array) -> pa.Array:
    count = max(count, POPULAR_BENIGN)
    sites = registrable_names(rng, np.arange(count // 6 + 1) + len(indicator_values))
    parents = sites.take(pa.array(rng.integers(0, len(sites), size=count)))
    names = pc.if_else(rng.random(count) < 0.3, parents, _under(rng, parents))
    traps = max(1, count // 200)
    bad = indicator_values.take(pa.array(rng.integers(0, len(indicator_values), size=traps)))
    glued = text.join(text.letters(rng, traps, 1, 1), bad)  # xevil.com: not under evil.com
    inside = text.join(bad, parents[:traps], sep=".")  # evil.com.benign.net: not either
    return pa.concat_arrays([names[: count - 2 * traps], glued, inside])


def client_addresses(rng: np.random.Generator, count: int) -> pa.Array:
    """Return ``count`` distinct client addresses: 95 % IPv4 in 10/8, 5 % IPv6."""
    sixes = count // 20
    fours = count - sixes
    assert fours <= 1 << 24, "at most 16M IPv4 clients fit in 10/8"
    scrambled = (np.arange(fours, dtype=np.int64) * 2_654_435_761 + 12345) % (1 << 24)
    v4 = text.dotted_quads(scrambled + (10 << 24))
    v6 = text.ipv6_texts(rng.choice(1 << 40, size=sixes, replace=False), 0x2001_0DB8 << 96)
    return pa.concat_arrays([v4, v6]).take(pa.array(rng.permutation(count)))


def lease_intervals(rng: np.random.Generator, clients: pa.Array, count: int) -> pa.Table:
    """Return ``count`` LEASE rows: 95 % of clients hold an address, some change hands
    inside the day, about one in a thousand overlap another subscriber's lease."""
    covered = rng.permutation(len(clients))[: min(int(len(clients) * 0.95), count)]
    overlaps = min(len(covered) // 1000, count - len(covered))
    owners = np.concatenate([covered, rng.choice(covered, count - len(covered) - overlaps)])
    cut = rng.integers(0, DAY_S, size=len(owners))
    order = np.lexsort((cut, owners))
    owners, cut = owners[order], cut[order]
    first = np.r_[True, owners[1:] != owners[:-1]]
    last = np.r_[owners[1:] != owners[:-1], True]
    start = np.where(first, -rng.integers(3600, 30 * DAY_S, size=len(owners)), cut)
    end = np.where(last, DAY_S + rng.integers(60, 7 * DAY_S, size=len(owners)), np.r_[start[1:], 0])
    still_held = last & (rng.random(len(owners)) < 0.7)
    holder = np.where(first, owners, rng.integers(0, len(clients) * 6 // 5, size=len(owners)))
    extra = rng.choice(covered, overlaps, replace=False)
    extra_start = rng.integers(0, DAY_S - 3600, size=overlaps)
    owners = np.concatenate([owners, extra])
    start = np.concatenate([start, extra_start])
    end = np.concatenate([end, extra_start + 3600])
    still_held = np.concatenate([still_held, np.zeros(overlaps, dtype=bool)])
    holder = np.concatenate([holder, rng.integers(0, len(clients), size=overlaps)])
    return _lease_table(clients, owners, holder, start, end, still_held)


def _lease_table(
    clients: pa.Array,
    owners: np.ndarray,
    holder: np.ndarray,
    start: np.ndarray,
    end: np.ndarray,
    still_held: np.ndarray,
) -> pa.Table:
    time = LEASE.field("start").type
    columns = {
        "subscriber": text.numbered("sub-", holder, width=7),
        "ip": clients.take(pa.array(owners)),
        "start": pa.array(T0_US + start * SECOND_US, time),
        "end": pa.array(T0_US + end * SECOND_US, time, mask=still_held),
        "evidence": text.numbered("leases.csv:", np.arange(len(owners)) + 2),
    }
    return pa.table(columns, schema=LEASE)
