"""At a node: merge a run's findings into the stored ones, one row per (subscriber, ip,
indicator_kind, indicator).

A run covers the whole window of the logs it read, so its ``count`` replaces the stored
one; ``first_seen`` and ``last_seen`` widen to span every run (logs rotated away since
are not forgotten), and ``evidence`` stays with the earliest sighting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import pyarrow as pa
from django.db import transaction

from cleannet.server.node.models import NodeFinding, NodeRun

__all__ = ["CHUNK_ROWS", "store_findings"]

CHUNK_ROWS = 1000
_MERGED_FIELDS = ["family", "first_seen", "last_seen", "count", "evidence", "run"]

Key = tuple[str, str, str, str]


def _key(row: Mapping[str, Any]) -> Key:
    return (row["subscriber"], row["ip"], row["indicator_kind"], row["indicator"])


def _stored(rows: list[dict[str, Any]]) -> dict[Key, NodeFinding]:
    """Return the stored findings with the keys of ``rows``."""
    wanted = {_key(row) for row in rows}
    candidates = NodeFinding.objects.filter(
        subscriber__in={key[0] for key in wanted}, indicator__in={key[3] for key in wanted}
    )
    found = {}
    for finding in candidates:
        key = (finding.subscriber, finding.ip, finding.indicator_kind, finding.indicator)
        if key in wanted:
            found[key] = finding
    return found


def _merge(finding: NodeFinding, row: Mapping[str, Any], run: NodeRun) -> None:
    first_seen: dt.datetime = row["first_seen"]
    if first_seen < finding.first_seen:
        finding.first_seen, finding.evidence = first_seen, row["evidence"]
    finding.last_seen = max(finding.last_seen, row["last_seen"])
    finding.count = row["count"]
    finding.family = row["family"] or finding.family
    finding.run = run


def _new(row: Mapping[str, Any], run: NodeRun) -> NodeFinding:
    return NodeFinding(
        subscriber=row["subscriber"],
        ip=row["ip"],
        indicator_kind=row["indicator_kind"],
        indicator=row["indicator"],
        family=row["family"] or "",
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        count=row["count"],
        evidence=row["evidence"],
        run=run,
    )


def _store_chunk(rows: list[dict[str, Any]], run: NodeRun) -> None:
    stored = _stored(rows)
    new = []
    for row in rows:
        finding = stored.get(_key(row))
        if finding is None:
            new.append(_new(row, run))
        else:
            _merge(finding, row, run)
    NodeFinding.objects.bulk_create(new)
    NodeFinding.objects.bulk_update(stored.values(), _MERGED_FIELDS)


def _chunks(findings: pa.Table) -> Iterable[list[dict[str, Any]]]:
    for batch in findings.to_batches(max_chunksize=CHUNK_ROWS):
        yield batch.to_pylist()


def store_findings(run: NodeRun, findings: pa.Table) -> int:
    """Merge ``findings`` (the engine's ``FINDING`` table) into the stored findings, all or
    nothing; return how many rows the table had. The merged rows point at ``run``."""
    total = 0
    with transaction.atomic():
        for rows in _chunks(findings):
            _store_chunk(rows, run)
            total += len(rows)
    return total
