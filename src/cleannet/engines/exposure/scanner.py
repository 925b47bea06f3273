"""One exposure scan: check targets against the scope, connect-scan the ports, probe what is open.

``scan`` is an async iterator of ``Refusal`` (first: every refused target, before any packet),
then ``PortResult`` for every (address, port), then ``Finding`` from the probes of each open
port. The scanner names itself to every service it talks to with ``user_agent(contact_url)``.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cleannet.engines.exposure.connect import DEFAULT_CONCURRENCY, connect_scan
from cleannet.engines.exposure.model import Finding, PortResult, PortState, Refusal, Target
from cleannet.engines.exposure.probes import PROBES, probes_for_port
from cleannet.engines.exposure.probes.base import Probe, ProbeContext, set_probe_context
from cleannet.engines.exposure.ratelimit import NetworkPacer
from cleannet.engines.exposure.scope import Resolver, Scope, ScopeError
from cleannet.engines.exposure.targets import expand_targets, system_resolver

__all__ = [
    "ScanEvent",
    "ScanProgress",
    "probe_jobs",
    "probe_services",
    "scan",
    "user_agent",
]

_log = logging.getLogger(__name__)
ScanEvent = Refusal | PortResult | Finding
USER_AGENT_PREFIX = "CleanNet-ExposureScanner/1"


def user_agent(contact_url: str) -> str:
    """The fixed identity every request carries: ``CleanNet-ExposureScanner/1 (+URL)``."""
    if not contact_url.startswith(("https://", "http://")) or any(
        c in contact_url for c in " \r\n()"
    ):
        raise ScopeError("contact_url", contact_url, "must be an http(s) URL without spaces")
    return f"{USER_AGENT_PREFIX} (+{contact_url})"


@dataclass(slots=True)
class ScanProgress:
    """Counts so far, passed to the progress callback after each step."""

    hosts: int = 0
    refused: int = 0
    ports_total: int = 0
    ports_done: int = 0
    open: int = 0
    probed: int = 0
    findings: int = 0


async def scan(
    scope: Scope,
    targets: Iterable[str],
    ports: Sequence[int],
    *,
    contact_url: str,
    today: date,
    probes: Mapping[str, Probe] | None = None,
    progress: Callable[[ScanProgress], None] | None = None,
    resolve: Resolver = system_resolver,
    timeout: float = 2.0,
    concurrency: int = DEFAULT_CONCURRENCY,
    probe_concurrency: int = 200,
) -> AsyncIterator[ScanEvent]:
    """Scan ``targets`` on ``ports`` within ``scope``; yield refusals, port states, findings.

    Raises ``ScopeError`` for a bad ``contact_url`` before anything else happens. Every
    connection is paced per scope network at ``scope.rate_per_second``.
    """
    context = ProbeContext(user_agent=user_agent(contact_url))
    state = ScanProgress()
    expanded = expand_targets(scope, targets, today, resolve)
    state.hosts, state.refused = len(expanded.hosts), len(expanded.refusals)
    state.ports_total = state.hosts * len(ports)
    for refusal in expanded.refusals:
        yield refusal
    _report(progress, state)
    pacer = NetworkPacer([(net, scope.rate_per_second) for net in scope.networks])
    names = {host.ip: host.hostname for host in expanded.hosts}
    pairs = ((host.ip, port) for host in expanded.hosts for port in ports)
    open_targets: list[Target] = []
    async for result in connect_scan(pairs, timeout=timeout, concurrency=concurrency, pacer=pacer):
        state.ports_done += 1
        if result.state is PortState.OPEN:
            state.open += 1
            open_targets.append(Target(result.ip, result.port, names.get(result.ip)))
        yield result
        _report(progress, state)
    chosen = PROBES if probes is None else probes
    probing = probe_services(
        open_targets,
        chosen,
        context=context,
        timeout=timeout,
        concurrency=probe_concurrency,
        pacer=pacer,
    )
    async for found in probing:
        state.probed += isinstance(found, int)
        if isinstance(found, Finding):
            state.findings += 1
            yield found
        _report(progress, state)


def _report(progress: Callable[[ScanProgress], None] | None, state: ScanProgress) -> None:
    if progress is not None:
        progress(state)


async def probe_services(
    targets: Sequence[Target],
    probes: Mapping[str, Probe],
    *,
    context: ProbeContext,
    timeout: float,
    concurrency: int = 200,
    pacer: NetworkPacer | None = None,
) -> AsyncIterator[Finding | int]:
    """Run every matching probe on every open target, ``concurrency`` at a time, each new
    connection paced by ``pacer``; yield findings, and 1 per probe done."""
    jobs = [(t, p) for t in targets for p in probes_for_port(t.port, dict(probes))]
    pacer = pacer if pacer is not None else NetworkPacer()
    async for item in probe_jobs(jobs, context, timeout, concurrency, pacer):
        yield item


async def probe_jobs(
    jobs: Iterable[tuple[Target, Probe]],
    context: ProbeContext,
    timeout: float,
    concurrency: int,
    pacer: NetworkPacer,
) -> AsyncIterator[Finding | int]:
    """Run ``jobs`` in this process, ``concurrency`` at a time; yield findings and 1 per job."""
    source = iter(jobs)
    queue: asyncio.Queue[Finding | int | None] = asyncio.Queue()
    run_context = contextvars.copy_context()
    run_context.run(set_probe_context, context)

    async def worker() -> None:
        for target, probe in source:
            await pacer.wait(target.ip)
            try:
                for found in await probe.probe(target, timeout):
                    queue.put_nowait(found)
            except Exception:  # a probe's bug must not stop the scan of every other service
                _log.exception("probe %s failed on %s:%s", probe.name, target.ip, target.port)
            queue.put_nowait(1)
        queue.put_nowait(None)

    count = max(1, concurrency)
    tasks = [asyncio.create_task(worker(), context=run_context) for _ in range(count)]
    try:
        stopped = 0
        while stopped < count:
            item = await queue.get()
            if item is None:
                stopped += 1
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
