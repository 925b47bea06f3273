"""Keeping findings up to date across runs, and who may see them.

A finding is one (scope, ip, port, transport, tag). A run that sees it again moves
``last_seen``; one that covered its port and did not see it sets ``fixed_at``; seeing a fixed
one again reopens it (``fixed_at`` back to empty).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from cleannet.engines.exposure.model import Finding
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.exposure.models import BANNER_LIMIT, ExposureFinding, ScanRun, ScanScope
from cleannet.server.networks.services import owners_of

__all__ = ["Changes", "FindingKey", "mark_fixed", "upsert_findings", "visible_findings"]

_CHUNK = 500  # keeps "pk IN (...)" under SQLite's bound-parameter limit

FindingKey = tuple[str, int, str, str]
"""(ip, port, transport, tag): a finding within its scope."""


@dataclass
class Changes:
    """What one run did to the findings of its scope."""

    seen: list[ExposureFinding] = field(default_factory=list)
    new: int = 0
    reopened: int = 0
    fixed: int = 0


def visible_findings(user: User) -> QuerySet[ExposureFinding]:
    """Every finding for the authority; the findings of the user's organisation otherwise."""
    found = ExposureFinding.objects.select_related("scope", "owner", "last_run", "event")
    if user.is_authority:
        return found
    return found.filter(owner_id=user.organisation_id)


def _cves(found: Finding) -> list[str]:
    text = found.details.get("cves", "") if found.tag == "vulnerable-version" else ""
    return [cve.strip() for cve in str(text).split(",") if cve.strip()]


def _merged(findings: Iterable[Finding]) -> dict[FindingKey, tuple[Finding, list[str]]]:
    """One engine finding per key, the CVEs of every rule that matched the service kept."""
    merged: dict[FindingKey, tuple[Finding, list[str]]] = {}
    for found in findings:
        key = (found.ip, found.port, found.transport, found.tag)
        cves = merged[key][1] if key in merged else []
        cves.extend(cve for cve in _cves(found) if cve not in cves)
        merged[key] = (found, cves)
    return merged


def _owners(scope: ScanScope, ips: Collection[str], at: dt.datetime) -> dict[str, Organisation]:
    """The prefix holder of each address when one is known, else the scope's owner."""
    held = owners_of(ips, at) if ips else {}
    return {ip: held[ip].organisation if ip in held else scope.owner for ip in ips}


def upsert_findings(run: ScanRun, findings: Iterable[Finding], now: dt.datetime) -> Changes:
    """Create or refresh the findings ``run`` saw; return them with the counts."""
    scope = run.scope
    merged = _merged(findings)
    owners = _owners(scope, {key[0] for key in merged}, now)
    existing = _existing(scope, list(owners))
    changes = Changes()
    for key, (found, cves) in merged.items():
        row = existing.get(key)
        if row is None:
            row = ExposureFinding(scope=scope, first_seen=now)
            changes.new += 1
        elif row.fixed_at is not None:
            changes.reopened += 1
        _fill(row, found, cves, owners[found.ip])
        row.last_seen, row.fixed_at, row.last_run = now, None, run
        row.save()
        changes.seen.append(row)
    return changes


def _existing(scope: ScanScope, ips: list[str]) -> dict[FindingKey, ExposureFinding]:
    rows: dict[FindingKey, ExposureFinding] = {}
    for start in range(0, len(ips), _CHUNK):
        chunk = ExposureFinding.objects.filter(scope=scope, ip__in=ips[start : start + _CHUNK])
        rows.update({(f.ip, f.port, f.transport, f.tag): f for f in chunk})
    return rows


def _fill(row: ExposureFinding, found: Finding, cves: list[str], owner: Organisation) -> None:
    row.owner = owner
    row.ip, row.port, row.transport, row.tag = found.ip, found.port, found.transport, found.tag
    row.report_type, row.severity = found.report_type, found.severity
    row.product, row.version = found.product[:200], found.version[:200]
    row.banner = found.banner[:BANNER_LIMIT]
    row.cves = cves
    row.details = dict(found.details)


def mark_fixed(
    run: ScanRun,
    seen: Collection[ExposureFinding],
    closed: Collection[tuple[str, int]],
    probed: Collection[tuple[str, int]],
    report_types: Collection[str],
    now: dt.datetime,
) -> int:
    """Set ``fixed_at`` on open findings of ``run``'s scope not seen again on a port it covered.

    A port found ``closed`` (or filtered) fixes every finding on it; an open port that was
    ``probed`` fixes only the findings of the ``report_types`` the run's probes produce, so a
    run with fewer probes does not close what it did not look for. Returns how many.
    """
    closed_set, probed_set, types = set(closed), set(probed), set(report_types)
    seen_ids = {row.pk for row in seen}
    open_rows = ExposureFinding.objects.filter(scope=run.scope, fixed_at__isnull=True)
    stale = [
        pk
        for pk, ip, port, report_type in open_rows.values_list("pk", "ip", "port", "report_type")
        if pk not in seen_ids
        and ((ip, port) in closed_set or ((ip, port) in probed_set and report_type in types))
    ]
    fixed = 0
    for start in range(0, len(stale), _CHUNK):
        chunk = stale[start : start + _CHUNK]
        fixed += ExposureFinding.objects.filter(pk__in=chunk).update(fixed_at=now, last_run=run)
    return fixed
