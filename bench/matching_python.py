"""The baseline: the DNS suffix match and attribution as a straightforward Python loop.

What a careful engineer would write without an engine: a dict from domain to its indicators,
a dict from address to its leases, one pass over the records trying the name and each parent
(``a.b.evil.example``, ``b.evil.example``, ``evil.example``, ``example``). It follows the same
rules as the engines (``cleannet.engines.matching.engine``) for DNS records, so its counts
must agree with theirs on the same input; the benchmark checks that they do.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

NEVER = 2**62  # microseconds: later than any record
US_PER_DAY = 86_400_000_000
Window = tuple[str, str | None, int, int]  # indicator as written, family, valid from, until


def _micros(column: pa.ChunkedArray, default: int) -> list[int]:
    return pc.fill_null(pc.cast(column, pa.int64()), default).to_pylist()


def domain_index(indicators: Path) -> dict[str, list[Window]]:
    """Return normalised domain -> its indicators' (text, family, valid_from, valid_until)."""
    table = pq.read_table(indicators).filter(pc.field("kind") == "domain")
    index: dict[str, list[Window]] = defaultdict(list)
    columns = zip(
        table.column("value").to_pylist(),
        table.column("indicator").to_pylist(),
        table.column("family").to_pylist(),
        _micros(table.column("valid_from"), -NEVER),
        _micros(table.column("valid_until"), NEVER),
        strict=True,
    )
    for value, written, family, start, end in columns:
        index[value].append((written, family, start, end))
    return index


def lease_index(leases: Path) -> dict[str, list[tuple[int, int, str]]]:
    """Return address -> its leases' (start, end, subscriber); an open end is ``NEVER``."""
    table = pq.read_table(leases)
    index: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    columns = zip(
        table.column("ip").to_pylist(),
        _micros(table.column("start"), -NEVER),
        _micros(table.column("end"), NEVER),
        table.column("subscriber").to_pylist(),
        strict=True,
    )
    for ip, start, end, subscriber in columns:
        index[ip].append((start, end, subscriber))
    return index


def _rows(records: Path) -> Iterator[tuple[int, str, str | None, str]]:
    """Yield each record's (time in µs, client address, name, evidence)."""
    for batch in pq.ParquetFile(records).iter_batches(
        batch_size=65_536, columns=["ts", "client_ip", "qname", "evidence"]
    ):
        yield from zip(
            pc.cast(batch.column("ts"), pa.int64()).to_pylist(),
            batch.column("client_ip").to_pylist(),
            batch.column("qname").to_pylist(),
            batch.column("evidence").to_pylist(),
            strict=True,
        )


def match_only(records: Path, domains: dict[str, list[Window]]) -> dict[str, Any]:
    """The DNS suffix match alone, what the DuckDB engine's matching plans do: every record
    with each indicator it hits, kept (no attribution). Return the counts."""
    matches: list[tuple[int, str, str, str, str | None]] = []
    matched = 0
    for ts, ip, name, evidence in _rows(records):
        if name is None:
            continue
        hits = _indicators_hit(name, ts, domains)
        matched += bool(hits)
        matches.extend((ts, ip, evidence, written, family) for written, family in hits)
    return {"records_matched": matched, "matches": len(matches)}


def match_records(
    records: Path, domains: dict[str, list[Window]], leases: dict[str, list[tuple[int, int, str]]]
) -> dict[str, Any]:
    """Match every DNS record of ``records``; return the findings' and daily counts' totals."""
    findings: dict[tuple[str, str, str], list[Any]] = {}
    daily: dict[tuple[int, str | None], set[str]] = defaultdict(set)
    daily_records: dict[tuple[int, str | None], int] = defaultdict(int)
    matched = unattributed = 0
    for ts, ip, name, evidence in _rows(records):
        if name is None:
            continue
        for written, family in _indicators_hit(name, ts, domains):
            matched += 1
            holders = {sub for start, end, sub in leases.get(ip, ()) if start <= ts < end}
            if len(holders) != 1:
                unattributed += 1
                continue
            subscriber = holders.pop()
            _add_finding(findings, (subscriber, ip, written), family, ts, evidence)
            daily[(ts // US_PER_DAY, family)].add(subscriber)
            daily_records[(ts // US_PER_DAY, family)] += 1
    return {
        "records_matched": matched,
        "findings": len(findings),
        "finding_records": sum(finding[3] for finding in findings.values()),
        "unattributed": unattributed,
        "daily_counts": len(daily),
        "daily_records": sum(daily_records.values()),
    }


def _indicators_hit(
    name: str, ts: int, domains: dict[str, list[Window]]
) -> list[tuple[str, str | None]]:
    hits = []
    while True:
        for written, family, start, end in domains.get(name, ()):
            if start <= ts < end:
                hits.append((written, family))
        dot = name.find(".")
        if dot < 0:
            return hits
        name = name[dot + 1 :]


def _add_finding(
    findings: dict[tuple[str, str, str], list[Any]],
    key: tuple[str, str, str],
    family: str | None,
    ts: int,
    evidence: str,
) -> None:
    found = findings.get(key)
    if found is None:
        findings[key] = [family, ts, ts, 1, evidence]
        return
    if (ts, evidence) < (found[1], found[4]):
        found[1], found[4] = ts, evidence
    found[2] = max(found[2], ts)
    found[3] += 1


def run(records: Path, indicators: Path, leases: Path, *, attribute: bool = True) -> dict[str, Any]:
    """Build the indexes and match (``attribute``: the whole job, else the match alone);
    return the counts, the two wall times (build, loop) and the loop's CPU time (the machine
    is shared: wall time also counts other tenants)."""
    started = time.perf_counter()
    domains = domain_index(indicators)
    holders = lease_index(leases) if attribute else {}
    built, cpu = time.perf_counter(), time.process_time()
    counts = match_records(records, domains, holders) if attribute else match_only(records, domains)
    loop_cpu = time.process_time() - cpu
    return {
        "index_seconds": built - started,
        "loop_seconds": time.perf_counter() - built,
        "loop_cpu_seconds": loop_cpu,
        "counts": counts,
    }
