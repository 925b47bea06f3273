"""Deterministic Shadowserver ``event4_sinkhole`` reports for the ingestion benchmark.

``generate(out_dir, rows, seed)`` writes two files:

* ``YYYY-MM-DD-event4_sinkhole-<id>-asn.csv``: the current header of the report
  (``EVENT4_SINKHOLE_HEADER``, equal to the ``fields`` of ``event4_sinkhole`` in
  Shadowserver's published ``reports.json``), quoted the way Shadowserver quotes: strings
  double-quoted, numbers bare, an empty value as nothing between the commas;
* ``<same stem>.ipasn``: the prefix table for attribution, in pyasn's IPASN text format
  (``;`` comment lines, then ``prefix<TAB>asn``), with nested prefixes so that longest-prefix
  matching has work to do and a few device addresses outside every prefix.

Rows model a day of sinkhole hits from Vietnamese networks: a population of infected devices
(about one per 40 rows) that each beacon many times a day to one of their family's one to
three sinkholes, so that aggregation has repeats to fold (and a parser's caches see a device's
columns repeat, though not always with the same destination). Rows come in random order over
the day, not sorted by time. About 0.5 % of rows are awkward (bad IP, bad timestamp, empty
``src_ip``), as real files are; a sidecar ``<stem>.json`` records how many, and the devices.
Only non-routable, documentation and private-use addresses and private ASNs are used, like
the demo world. Same ``rows`` and ``seed`` → byte-identical files.

Run alone: ``.venv/bin/python bench/shadowserver_sample.py --rows 1000 --out var/bench/ingest``.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
from dataclasses import dataclass
from pathlib import Path

EVENT4_SINKHOLE_HEADER: tuple[str, ...] = (
    "timestamp", "protocol", "src_ip", "src_port", "src_asn", "src_geo", "src_region",
    "src_city", "src_hostname", "src_naics", "src_sector", "device_vendor", "device_type",
    "device_model", "severity", "dst_ip", "dst_port", "dst_asn", "dst_geo", "dst_region",
    "dst_city", "dst_hostname", "dst_naics", "dst_sector", "public_source", "infection",
    "family", "tag", "application", "version", "event_id", "ssl_cipher", "ssl_servername",
)  # fmt: skip
"""The ``event4_sinkhole`` field order of Shadowserver's reports.json (2026-03)."""

REPORT_DAY = "2026-03-04"
ROWS_PER_DEVICE = 40
AWKWARD_SHARE = 0.005
UNROUTED_SHARE = 0.02
"""Share of devices whose address is in no prefix of the table (attribution misses)."""

# (prefix, asn, length of the more-specific subnets carved out of it, how many, their ASNs)
# Nested prefixes: a carrier's aggregate and customers' more-specifics with their own ASN.
_NETWORKS: tuple[tuple[str, int, int, int], ...] = (
    ("198.18.0.0/15", 64512, 20, 24),
    ("10.0.0.0/8", 64600, 16, 40),
    ("100.64.0.0/10", 64700, 18, 32),
    ("203.0.113.0/24", 64496, 26, 2),
)
_REGIONS = (("HA NOI", "HANOI"), ("HO CHI MINH", "HO CHI MINH CITY"), ("DA NANG", "DA NANG"),
            ("HAI PHONG", "HAI PHONG"), ("CAN THO", "CAN THO"))  # fmt: skip
_SECTOR = "Communications, Service Provider, and Hosting Service"


@dataclass(frozen=True)
class Family:
    """One malware family as a sinkhole reports it: where its bots call and how."""

    infection: str
    tag: str
    protocol: str
    dst_ips: tuple[str, ...]  # its sinkholes: each beacon reaches one of them
    dst_port: int
    weight: int
    application: str | None = None
    device: tuple[str, str, str] | None = None  # vendor, type, model


_MIRAI_DEVICE = ("MikroTik", "router", "RB951")
_MOZI_DEVICE = ("Hikvision", "camera", "DS-2CD")
FAMILIES: tuple[Family, ...] = (
    Family("mirai", "mirai", "tcp", ("192.0.2.10", "192.0.2.11"), 23, 30, device=_MIRAI_DEVICE),
    Family("mozi", "mozi", "udp", ("192.0.2.20",), 6881, 25, device=_MOZI_DEVICE),
    Family("emotet", "emotet", "tcp", ("198.51.100.30", "198.51.100.31", "192.0.2.32"), 8080, 12,
           "http"),
    Family("qakbot", "qakbot", "tcp", ("198.51.100.40", "198.51.100.41"), 443, 10, "https"),
    Family("andromeda", "andromeda", "tcp", ("192.0.2.50",), 80, 8, "http"),
    Family("conficker", "downadup", "tcp", ("198.51.100.60", "198.51.100.61", "192.0.2.62"), 80,
           8, "http"),
    Family("avalanche-dropper", "avalanche", "tcp", ("192.0.2.70",), 80, 4, "http"),
    Family("victorygate.b", "victorygate", "tcp", ("198.51.100.80",), 4455, 3),
)  # fmt: skip
# Where the n-th sinkhole of a family is: (dst_asn, dst_geo, dst_region, dst_city).
_SINKHOLE_SITES = ((64511, "US", "CALIFORNIA", "SAN FRANCISCO"),
                   (64510, "DE", "HESSEN", "FRANKFURT AM MAIN"),
                   (64509, "NL", "NOORD-HOLLAND", "AMSTERDAM"))  # fmt: skip


@dataclass(frozen=True)
class SampleFiles:
    """The generated report, its prefix table, and what went into them."""

    csv: Path
    ipasn: Path
    rows: int
    awkward: int
    devices: int
    seed: int


def file_stem(rows: int, seed: int) -> str:
    """Return the Shadowserver-style name stem; ``<id>`` says how the file was made."""
    return f"{REPORT_DAY}-event4_sinkhole-bench{rows}s{seed}-asn"


def quote(value: str | int | None) -> str:
    """Quote one value as Shadowserver does: strings in double quotes, numbers bare, None empty."""
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace('"', '""') + '"'


def prefix_table(rng: random.Random) -> list[tuple[ipaddress.IPv4Network, int]]:
    """Return (prefix, asn) pairs: each aggregate plus distinct more-specifics of other ASNs."""
    table: list[tuple[ipaddress.IPv4Network, int]] = []
    for text, asn, sub_len, count in _NETWORKS:
        net = ipaddress.IPv4Network(text)
        table.append((net, asn))
        subnets = list(net.subnets(new_prefix=sub_len))
        for i, sub in enumerate(sorted(rng.sample(subnets, min(count, len(subnets))))):
            table.append((sub, asn + 1 + i))
    return sorted(table)


def origin_asn(table: list[tuple[ipaddress.IPv4Network, int]], ip: ipaddress.IPv4Address) -> int:
    """Longest-prefix match by brute force (fine for generation: the table is small)."""
    matches = [(net.prefixlen, asn) for net, asn in table if ip in net]
    return max(matches)[1] if matches else 0


def pick_address(rng: random.Random, table: list, seen: set[int]) -> ipaddress.IPv4Address:
    """Return an address not used yet: mostly inside the table, a few in 192.168/16 (no prefix)."""
    while True:
        if rng.random() < UNROUTED_SHARE:
            ip = ipaddress.IPv4Address(0xC0A80000 + rng.randrange(1 << 16))
        else:
            net = rng.choice(table)[0]
            ip = net.network_address + rng.randrange(net.num_addresses)
        if int(ip) not in seen:
            seen.add(int(ip))
            return ip


def device_tails(rng: random.Random, family: Family, asn: int, ip: str) -> tuple[str, ...]:
    """Return the row text after ``src_port`` for one device, one per sinkhole of its family.

    The source side (network, place, host name) is the device's own; the destination side
    depends on which sinkhole a beacon reached.
    """
    region, city = rng.choice(_REGIONS)
    hostname = f"host-{ip.replace('.', '-')}.dynamic.example" if rng.random() < 0.2 else None
    vendor, dtype, model = family.device or (None, None, None)
    naics = 517311 if rng.random() < 0.3 else None
    source = rng.choice(("shadowserver", "eset", "cert-pl"))
    tls = family.dst_port == 443
    tails = []
    for dst_ip, site in zip(family.dst_ips, _SINKHOLE_SITES, strict=False):
        values: list[str | int | None] = [
            asn or None, "VN", region, city, hostname, naics, None, vendor, dtype, model,
            "critical", dst_ip, family.dst_port, *site, None, 518210, _SECTOR, source,
            family.infection, family.tag, family.tag, family.application, None, None,
            "TLS_AES_128_GCM_SHA256" if tls else None, f"{family.tag}-c2.example" if tls else None,
        ]  # fmt: skip
        tails.append("," + ",".join(quote(v) for v in values))
    return tuple(tails)


Device = tuple[str, str, tuple[str, ...]]
"""``("protocol","src_ip",`` text, the IP, the row tails (one per sinkhole))."""


def make_devices(rng: random.Random, count: int, table: list) -> list[Device]:
    """Return ``count`` distinct devices spread over the table's prefixes."""
    families = rng.choices(FAMILIES, weights=[f.weight for f in FAMILIES], k=count)
    seen: set[int] = set()
    devices = []
    for family in families:
        ip = pick_address(rng, table, seen)
        head = f"{quote(family.protocol)},{quote(str(ip))},"
        devices.append((head, str(ip), device_tails(rng, family, origin_asn(table, ip), str(ip))))
    return devices


_AWKWARD_IPS = ("198.18.300.7", "10.0.0", "not-an-ip", "203.0.113.256")
_AWKWARD_TIMES = ("2026-03-04 24:61:00", "04/03/2026 10:00", "", "yesterday")


def awkward_row(rng: random.Random, ts: str, device: Device, port: int, tail: str) -> str:
    """Return one broken row: a bad IP, a bad timestamp or an empty ``src_ip`` (in equal parts)."""
    head, ip, _ = device
    kind = rng.randrange(3)
    if kind == 0:
        head = head.replace(quote(ip), quote(rng.choice(_AWKWARD_IPS)))
    elif kind == 1:
        ts = quote(rng.choice(_AWKWARD_TIMES) or None)
    else:
        head = head.replace(quote(ip), "")
    return f"{ts},{head}{port}{tail}\n"


def write_rows(out, rng: random.Random, rows: int, devices: list) -> int:
    """Write ``rows`` rows to ``out``; return how many are awkward.

    Beacon counts are skewed (a Pareto weight per device, capped so that the busiest device
    calls every few minutes, not every second): most devices call a handful of times.
    """
    weights = [min(rng.paretovariate(1.3), 50.0) for _ in devices]
    times = [
        quote(f"{REPORT_DAY} {s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}") for s in range(86400)
    ]
    awkward = 0
    batch: list[str] = []
    for device in rng.choices(devices, weights=weights, k=rows):
        ts, port = times[rng.randrange(86400)], rng.randrange(1024, 65536)
        tails = device[2]
        tail = tails[rng.randrange(len(tails))]
        if rng.random() < AWKWARD_SHARE:
            awkward += 1
            batch.append(awkward_row(rng, ts, device, port, tail))
        else:
            batch.append(f"{ts},{device[0]}{port}{tail}\n")
        if len(batch) >= 10_000:
            out.write("".join(batch))
            batch.clear()
    out.write("".join(batch))
    return awkward


def write_ipasn(path: Path, table: list, seed: int) -> None:
    """Write the prefix table in pyasn's IPASN format (the header lines are ``;`` comments)."""
    lines = [
        "; IP-ASN32-DAT file",
        f"; Original source:\tbench/shadowserver_sample.py seed {seed}",
        f"; Prefixes-v4:\t{len(table)}",
        "; Prefixes-v6:\t0",
    ]
    lines += [f"{net}\t{asn}" for net, asn in table]
    path.write_text("\n".join(lines) + "\n", encoding="ascii")


def generate(out_dir: Path, rows: int, seed: int = 1) -> SampleFiles:
    """Write the report and its prefix table into ``out_dir``; same arguments, same bytes.

    The CSV is written under a temporary name and renamed when complete, so an interrupted
    run never leaves a short file that ``describe`` would take for a finished one.
    """
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = file_stem(rows, seed)
    table = prefix_table(rng)
    devices = make_devices(rng, max(1, rows // ROWS_PER_DEVICE), table)
    csv_path, ipasn_path = out_dir / f"{stem}.csv", out_dir / f"{stem}.ipasn"
    partial = csv_path.with_suffix(".partial")
    with partial.open("w", encoding="utf-8", newline="") as out:
        out.write(",".join(quote(name) for name in EVENT4_SINKHOLE_HEADER) + "\n")
        awkward = write_rows(out, rng, rows, devices)
    write_ipasn(ipasn_path, table, seed)
    files = SampleFiles(csv_path, ipasn_path, rows, awkward, len(devices), seed)
    csv_path.with_suffix(".json").write_text(
        json.dumps({"awkward": awkward, "devices": len(devices)})
    )
    partial.replace(csv_path)
    return files


def describe(csv_path: Path, ipasn_path: Path, rows: int, seed: int) -> SampleFiles:
    """Return the description of a sample ``generate`` wrote earlier (from its ``.json``)."""
    facts = json.loads(csv_path.with_suffix(".json").read_text())
    return SampleFiles(csv_path, ipasn_path, rows, facts["awkward"], facts["devices"], seed)


def main() -> None:
    """Command line: write a sample and say where."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("var/bench/ingest"))
    args = parser.parse_args()
    files = generate(args.out, args.rows, args.seed)
    print(f"{files.csv} ({files.rows} rows, {files.awkward} awkward, {files.devices} devices)")
    print(files.ipasn)


if __name__ == "__main__":
    main()
