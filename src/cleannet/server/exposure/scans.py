"""Running a scan of a scope: refused or run, it is logged as a ``ScanRun`` and audited.

``run_scan`` refuses, before any packet, a disabled scope, an approval that ran out, a scope
the engine does not accept and a scope that is being scanned already; each refusal is a run
with status ``refused`` and the reason. Otherwise the engine scans (global opt-outs applied),
the fingerprint rules add ``vulnerable-version`` findings, the website check reads the pages
of the run's host names that answered on a web port (``websites``), the scope's findings are
brought up to date and the classified ones become intel events.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from huey.contrib.djhuey import HUEY
from huey.exceptions import TaskLockedException

from cleannet.engines.exposure import fingerprints
from cleannet.engines.exposure.model import Finding, PortResult, PortState, Refusal
from cleannet.engines.exposure.probes import PROBES, Probe
from cleannet.engines.exposure.scanner import ScanEvent, ScanProgress, scan
from cleannet.engines.exposure.scope import OutOfScope, Resolver, ScopeError, check_authority
from cleannet.engines.exposure.scope import Scope as EngineScope
from cleannet.engines.exposure.targets import system_resolver
from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.exposure import websites
from cleannet.server.exposure.events import record_findings
from cleannet.server.exposure.findings import mark_fixed, upsert_findings
from cleannet.server.exposure.models import OptOut, ScanRun, ScanScope

__all__ = ["FALLBACK_CONTACT_URL", "default_contact_url", "run_scan", "scan_lock_name"]

logger = logging.getLogger(__name__)

FALLBACK_CONTACT_URL = "https://cleannet.invalid/scanning/"
"""Named in the scanner's User-Agent when ``CLEANNET_SITE_URL`` is not set."""

Progress = Callable[[ScanProgress], None]

resolve_name: Resolver = system_resolver
"""How a run resolves host names (the system resolver); read at each run, so tests replace it."""


def default_contact_url() -> str:
    """The page that explains our scans: the site's ``/scanning/``, named to every service."""
    site = str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/")
    return f"{site}/scanning/" if site else FALLBACK_CONTACT_URL


def scan_lock_name(scope: ScanScope) -> str:
    """The task-queue lock held while ``scope`` is being scanned."""
    return f"exposure-scan-{scope.pk}"


@dataclass
class _Outcome:
    refusals: list[Refusal] = field(default_factory=list)
    ports: list[PortResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    sites: websites.SiteCheck = field(default_factory=websites.SiteCheck)


@dataclass(frozen=True)
class _Plan:
    targets: list[str]
    ports: list[int]
    probes: dict[str, Probe]
    today: dt.date
    contact_url: str
    timeout: float


def run_scan(
    actor: User | None,
    scope: ScanScope,
    *,
    ports: Iterable[int] | None = None,
    probes: Iterable[str] | None = None,
    targets: Iterable[str] | None = None,
    today: dt.date | None = None,
    progress: Progress | None = None,
    contact_url: str | None = None,
    timeout: float = 2.0,
) -> ScanRun:
    """Scan ``scope`` (its networks and names, or ``targets`` checked against it); return the run.

    ``actor`` None means the schedule; a person must belong to the authority
    (``PermissionDenied``). ``ports``/``probes`` default to the scope's, then to every probe
    and its default ports; an unknown probe or bad port raises ``ValidationError`` before
    a run is logged. A refused or failed run is returned with its status and reason.
    """
    if actor is not None and not actor.has_role(*AUTHORITY_ROLES):
        raise PermissionDenied(_("Only the authority may run exposure scans."))
    chosen = _probes(scope.probes if probes is None else list(probes))
    plan = _Plan(
        targets=_targets(scope) if targets is None else [t.strip() for t in targets if t.strip()],
        ports=_ports(scope.ports if ports is None else list(ports), chosen),
        probes=chosen,
        today=today or timezone.localdate(),
        contact_url=contact_url or default_contact_url(),
        timeout=timeout,
    )
    run = ScanRun.objects.create(
        scope=scope, started_by=actor, targets=plan.targets, ports=plan.ports
    )
    reason = _refusal(scope, plan.today)
    if reason:
        return _finish_refused(actor, run, reason)
    try:
        with _only_run(scope):
            return _execute(actor, run, plan, progress)
    except TaskLockedException:
        return _finish_refused(actor, run, str(_("A scan of this scope is already running.")))


def _probes(names: list[str]) -> dict[str, Probe]:
    unknown = [name for name in names if name not in PROBES]
    if unknown:
        raise ValidationError({"probes": _("Unknown probe: %(name)s.") % {"name": unknown[0]}})
    return {name: PROBES[name] for name in names} if names else dict(PROBES)


def _ports(ports: list[int], probes: Mapping[str, Probe]) -> list[int]:
    if not ports:
        return sorted({port for probe in probes.values() for port in probe.default_ports})
    for port in ports:
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValidationError({"ports": _("Ports run from 1 to 65535.")})
    return sorted(set(ports))


def _targets(scope: ScanScope) -> list[str]:
    """The scope's networks and its exact host names (a ``*.`` pattern names no host)."""
    return [*scope.networks, *(h for h in scope.hostnames if not h.startswith("*."))]


def _refusal(scope: ScanScope, today: dt.date) -> str:
    """Why ``scope`` may not be scanned on ``today``, or "" when it may."""
    if not scope.enabled:
        return str(_("The scope is disabled."))
    try:
        engine_scope = scope.to_engine_scope()
        check_authority(engine_scope, scope.name, today)
    except OutOfScope as refused:
        return refused.reason
    except ScopeError as error:
        return f"{error.field}: {error.reason}"
    return ""


@contextmanager
def _only_run(scope: ScanScope) -> Iterator[None]:
    with HUEY.lock_task(scan_lock_name(scope)):
        yield


async def _collect(events: AsyncIterator[ScanEvent]) -> _Outcome:
    outcome = _Outcome()
    async for item in events:
        if isinstance(item, Refusal):
            outcome.refusals.append(item)
        elif isinstance(item, PortResult):
            outcome.ports.append(item)
        else:
            outcome.findings.append(item)
    return outcome


def _execute(actor: User | None, run: ScanRun, plan: _Plan, progress: Progress | None) -> ScanRun:
    try:
        engine_scope = run.scope.to_engine_scope(OptOut.objects.all())
        resolve = websites.remembering(resolve_name)
        events = scan(
            engine_scope,
            plan.targets,
            plan.ports,
            contact_url=plan.contact_url,
            today=plan.today,
            probes=plan.probes,
            progress=progress,
            resolve=resolve,
            timeout=plan.timeout,
        )
        outcome = asyncio.run(_collect(events))
        outcome.sites = _check_websites(engine_scope, plan, outcome, resolve)
        return _store(actor, run, plan, outcome)
    except Exception as error:  # a failed run is logged as failed, never left "running"
        logger.exception("exposure scan of %s failed", run.scope.name)
        return _finish(actor, run, ScanRun.Status.FAILED, error=f"{type(error).__name__}: {error}")


def _check_websites(
    engine_scope: EngineScope, plan: _Plan, outcome: _Outcome, resolve: Resolver
) -> websites.SiteCheck:
    """Read the pages of the run's host names that answered on a web port in this run."""
    open_ports = {(p.ip, p.port) for p in outcome.ports if p.state is PortState.OPEN}
    names = websites.site_names(plan.targets)
    sites = websites.websites_to_check(engine_scope, names, open_ports, plan.today, resolve)
    return websites.check_websites(
        engine_scope,
        sites,
        today=plan.today,
        now=timezone.now(),
        contact_url=plan.contact_url,
        resolve=resolve,
    )


def _store(actor: User | None, run: ScanRun, plan: _Plan, outcome: _Outcome) -> ScanRun:
    """Bring the scope's findings up to date with ``outcome`` and finish ``run``."""
    findings = fingerprints.apply(outcome.findings) + outcome.sites.findings
    now = timezone.now()
    open_ports = {(p.ip, p.port) for p in outcome.ports if p.state is PortState.OPEN}
    closed = {(p.ip, p.port) for p in outcome.ports if p.state is not PortState.OPEN}
    report_types = {probe.report_type for probe in plan.probes.values()}
    with transaction.atomic():
        changes = upsert_findings(run, findings, now)
        unchecked = websites.held_back(run.scope, outcome.sites.checked, closed)
        fixed = mark_fixed(run, changes.seen + unchecked, closed, open_ports, report_types, now)
        fixed += websites.mark_sites_fixed(run, changes.seen, outcome.sites.checked, now)
        record_findings(actor, run, changes.seen, now)
        run.refused = [{"target": r.target, "reason": r.reason} for r in outcome.refusals]
        run.open_ports = len(open_ports)
        run.findings = len(changes.seen)
        run.new_findings = changes.new + changes.reopened
        run.fixed_findings = fixed
        if changes.reopened:
            run.note = f"{changes.reopened} finding(s) reopened"
        return _finish(actor, run, ScanRun.Status.FINISHED)


def _finish_refused(actor: User | None, run: ScanRun, reason: str) -> ScanRun:
    return _finish(actor, run, ScanRun.Status.REFUSED, error=reason)


def _finish(actor: User | None, run: ScanRun, status: str, error: str = "") -> ScanRun:
    run.status, run.error, run.finished_at = status, error, timezone.now()
    run.save()
    summary = {
        "scope": run.scope.name,
        "status": run.status,
        "targets": run.targets,
        "ports": len(run.ports),
        "refused": len(run.refused),
        "open_ports": run.open_ports,
        "findings": run.findings,
        "new_findings": run.new_findings,
        "fixed_findings": run.fixed_findings,
        "error": run.error,
    }
    action = "exposure.scan.refused" if status == ScanRun.Status.REFUSED else "exposure.scan.run"
    record_change(actor, action, run, after=summary)
    return run
