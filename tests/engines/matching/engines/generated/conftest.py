"""What the rules call for on ``generated_job``, read in plain Python from ``duckdb_engine``'s
docstring (R1-R11) independently of any engine: every engine must give these same tables.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleannet.core.indicators import url_host
from cleannet.engines.matching import (
    DAILY_COUNT,
    FINDING,
    UNATTRIBUTED,
    Engine,
    MatchJob,
    MatchResult,
)
from cleannet.engines.matching.output import finish_table

Row = dict[str, Any]


# ---- a plain-Python reading of the rules (duckdb_engine's docstring, R1-R11) ----


def _read(path: Path | None) -> list[Row]:
    return [] if path is None else pq.read_table(path).to_pylist()


def _covers(row: Row, moment: dt.datetime, start: str = "start", end: str = "end") -> bool:
    return (row[start] is None or row[start] <= moment) and (row[end] is None or moment < row[end])


_network = lru_cache(maxsize=None)(ipaddress.ip_network)
_address = lru_cache(maxsize=None)(ipaddress.ip_address)


def _addresses(record: Row) -> list[str]:
    found = [record["dst_ip"]] if record["dst_ip"] else []
    if record["url"]:
        host = url_host(record["url"])
        try:
            _address(host)
        except ValueError:
            return found
        found.append(host)
    return found


def _matches_indicator(record: Row, indicator: Row) -> bool:
    kind, value, name = indicator["kind"], indicator["value"], record["qname"]
    if kind == "domain":
        return name is not None and (name == value or name.endswith("." + value))
    if kind == "ip":
        return value in _addresses(record)
    if kind == "cidr":
        network = _network(value)
        found = [_address(address) for address in _addresses(record)]
        return any(a.version == network.version and a in network for a in found)
    url = record["url"]
    return (
        kind == "url"
        and url is not None
        and (url == value or (value.endswith("/") and url.startswith(value)))
    )


def _reference_matches(job: MatchJob) -> tuple[list[Row], int]:
    indicators = _read(job.indicators)
    families: dict[tuple[str, str], str | None] = {}
    for row in indicators:
        key, family = (row["kind"], row["indicator"]), row["family"]
        known = families.get(key)
        families[key] = (
            family if known is None or (family is not None and family < known) else known
        )
    matches, matched = [], 0
    records = [record for path in job.records for record in _read(path)]
    for record in records:
        hits = {
            (i["kind"], i["indicator"])
            for i in indicators
            if _covers(i, record["ts"], "valid_from", "valid_until")
            and _matches_indicator(record, i)
        }
        matched += bool(hits)
        matches += [
            {**record, "indicator_kind": kind, "indicator": text, "family": families[kind, text]}
            for kind, text in hits
        ]
    for event in _read(job.events):
        matches.append(
            {
                **event,
                "client_ip": event["ip"],
                "client_port": event["port"],
                "indicator_kind": "event",
            }
        )
    return matches, matched


def _attribute(match: Row, blocks: list[Row], leases: list[Row]) -> tuple[str | None, Row]:
    """Return (subscriber or None, the unattributed row's fields)."""
    ip, port, moment = match["client_ip"], match["client_port"], match["ts"]
    if port is not None:
        inside = sorted(
            {
                b["inside_ip"]
                for b in blocks
                if b["public_ip"] == ip
                and b["port_from"] <= port <= b["port_to"]
                and _covers(b, moment)
            }
        )
        if len(inside) > 1:
            return None, {
                "reason": "overlapping CGNAT blocks",
                "ip": ip,
                "candidates": ";".join(inside),
            }
        ip = inside[0] if inside else ip
    held = sorted(
        {lease["subscriber"] for lease in leases if lease["ip"] == ip and _covers(lease, moment)}
    )
    if len(held) == 1:
        return held[0], {"ip": ip}
    reason = "no lease" if not held else "overlapping leases"
    return None, {"reason": reason, "ip": ip, "candidates": ";".join(held) or None}


def _reference_findings(attributed: list[Row]) -> tuple[list[Row], list[Row]]:
    groups: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    days: dict[tuple[Any, ...], list[Row]] = defaultdict(list)
    for m in attributed:
        groups[m["subscriber"], m["ip"], m["indicator_kind"], m["indicator"]].append(m)
        days[m["ts"].astimezone(dt.UTC).date(), m["family"], m["indicator_kind"]].append(m)
    findings = []
    for (subscriber, ip, kind, indicator), group in groups.items():
        families = [m["family"] for m in group if m["family"] is not None]
        first = min(group, key=lambda m: (m["ts"], m["evidence"]))
        findings.append(
            {
                "subscriber": subscriber,
                "ip": ip,
                "indicator_kind": kind,
                "indicator": indicator,
                "family": min(families, default=None),
                "first_seen": first["ts"],
                "last_seen": max(m["ts"] for m in group),
                "count": len(group),
                "evidence": first["evidence"],
            }
        )
    daily = [
        {
            "day": day,
            "family": family,
            "indicator_kind": kind,
            "records": len(group),
            "subscribers": len({m["subscriber"] for m in group}),
        }
        for (day, family, kind), group in days.items()
    ]
    return findings, daily


@pytest.fixture(scope="session")
def reference() -> Callable[[MatchJob], dict[str, Any]]:
    """Return ``reference(job)``: the three tables and two counts the rules call for."""

    def run(job: MatchJob) -> dict[str, Any]:
        matches, matched = _reference_matches(job)
        blocks, leases = _read(job.cgnat), _read(job.leases)
        attributed, unattributed = [], []
        for match in matches:
            subscriber, fields = _attribute(match, blocks, leases)
            if subscriber is not None:
                attributed.append({**match, **fields, "subscriber": subscriber})
            else:
                unattributed.append({**match, **fields, "port": match["client_port"]})
        findings, daily = _reference_findings(attributed)
        return {
            "findings": finish_table(pa.Table.from_pylist(findings, FINDING), "findings"),
            "daily_counts": finish_table(pa.Table.from_pylist(daily, DAILY_COUNT), "daily_counts"),
            "unattributed": finish_table(
                pa.Table.from_pylist(unattributed, UNATTRIBUTED), "unattributed"
            ),
            "records_read": sum(pq.ParquetFile(p).metadata.num_rows for p in job.records),
            "records_matched": matched,
        }

    return run


@pytest.fixture(scope="session")
def generated_expected(
    generated_job: MatchJob, reference: Callable[[MatchJob], dict[str, Any]]
) -> dict[str, Any]:
    """What the rules call for on ``generated_job``, computed once."""
    return reference(generated_job)


@pytest.fixture(scope="session")
def generated_result(engine: Engine, generated_job: MatchJob) -> MatchResult:
    """The engine's result on ``generated_job``, computed once per engine."""
    return engine.run(generated_job)
