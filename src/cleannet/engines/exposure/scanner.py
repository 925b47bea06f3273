"""One exposure scan: check targets against the scope, connect-scan the ports, probe what is open.

``scan`` is an async iterator of ``Refusal`` (first: every refused target, before any packet),
then ``PortResult`` for every (address, port), then ``Finding`` from the probes of each open
port. The scanner names itself to every service it talks to with ``user_agent(contact_url)``.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from cleannet.engines.exposure.connect import (
    DEFAULT_CONCURRENCY,
    PARALLEL_MIN_PAIRS,
    connect_scan,
    in_workers,
    worker_count,
)
from cleannet.engines.exposure.model import Finding, PortResult, PortState, Refusal, Target
from cleannet.engines.exposure.probes import PROBES
from cleannet.engines.exposure.probes.base import Probe, ProbeContext, set_probe_context
from cleannet.engines.exposure.ratelimit import NetworkPacer
from cleannet.engines.exposure.scope import Resolver, Scope, ScopeError
from cleannet.engines.exposure.targets import expand_targets, system_resolver

__all__ = [
    "PARALLEL_MIN_JOBS",
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
# From this many probe jobs on, two processes finish sooner than one (a probe costs ~0.5 ms CPU).
PARALLEL_MIN_JOBS = 512


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
    workers: int = 1,
) -> AsyncIterator[ScanEvent]:
    """Scan ``targets`` on ``ports`` within ``scope``; yield refusals, port states, findings.

    Raises ``ScopeError`` for a bad ``contact_url`` before anything else happens. Every
    connection is paced per scope network at ``scope.rate_per_second``. ``workers`` > 1
    forks that many processes for large scans: only for a caller that owns its process (a
    command line), never inside a threaded server or task worker, where a fork can inherit a
    lock another thread holds.
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
    connect_workers = min(workers, worker_count(state.ports_total, PARALLEL_MIN_PAIRS))
    scanning = connect_scan(
        pairs, timeout=timeout, concurrency=concurrency, pacer=pacer, workers=connect_workers
    )
    async for result in scanning:
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
        workers=min(workers, worker_count(len(open_targets), PARALLEL_MIN_JOBS)),
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
    workers: int | None = None,
) -> AsyncIterator[Finding | int]:
    """Run every matching probe on every open target, ``concurrency`` at a time, each new
    connection paced by ``pacer``; yield findings, and 1 per probe done.

    ``workers``: how many processes share the jobs (``None``: 2 from ``PARALLEL_MIN_JOBS`` jobs
    on a multi-core machine, else 1), each with its share of the slots and of the rates.
    """
    jobs = _jobs(targets, probes)
    pacer = pacer if pacer is not None else NetworkPacer()
    count = workers if workers is not None else worker_count(len(jobs), PARALLEL_MIN_JOBS)

    def share(index: int, parts: int) -> AsyncGenerator[list[Finding | int], None]:
        paced = pacer.split(parts) if parts > 1 else pacer
        slots = max(concurrency // parts, 1)
        return _probe_batches(jobs[index::parts], context, timeout, slots, paced)

    stage = in_workers(share, count) if count > 1 else share(0, 1)
    async with contextlib.aclosing(stage) as batches:
        async for batch in batches:
            for item in batch:
                yield item


def _jobs(targets: Sequence[Target], probes: Mapping[str, Probe]) -> list[tuple[Target, Probe]]:
    """Every (target, probe) pair whose probe lists the target's port, in registry order."""
    by_port: dict[int, list[Probe]] = {}
    for probe in probes.values():  # one pass over the probes, not one per target
        for port in dict.fromkeys(probe.default_ports):
            by_port.setdefault(port, []).append(probe)
    return [(t, p) for t in targets for p in by_port.get(t.port, ())]


async def probe_jobs(
    jobs: Iterable[tuple[Target, Probe]],
    context: ProbeContext,
    timeout: float,
    concurrency: int,
    pacer: NetworkPacer,
) -> AsyncIterator[Finding | int]:
    """Run ``jobs`` in this process, ``concurrency`` at a time; yield findings and 1 per job."""
    batches = _probe_batches(jobs, context, timeout, concurrency, pacer)
    async with contextlib.aclosing(batches):
        async for batch in batches:
            for item in batch:
                yield item


async def _probe_batches(
    jobs: Iterable[tuple[Target, Probe]],
    context: ProbeContext,
    timeout: float,
    concurrency: int,
    pacer: NetworkPacer,
) -> AsyncGenerator[list[Finding | int], None]:
    """Run ``jobs`` in this process; yield at each wake-up everything finished meanwhile."""
    source = iter(jobs)
    batch = _Batch(concurrency)
    run_context = contextvars.copy_context()
    run_context.run(set_probe_context, context)

    async def worker() -> None:
        try:
            for target, probe in source:
                await pacer.wait(target.ip)
                try:
                    found = await probe.probe(target, timeout)
                    batch.items.extend(found)  # after the await: the reader swaps the list
                except Exception:  # a probe's bug must not stop the scan of every other service
                    _log.exception("probe %s failed on %s:%s", probe.name, target.ip, target.port)
                batch.add(1)
        finally:
            batch.running -= 1
            batch.wake()

    tasks = [asyncio.create_task(worker(), context=run_context) for _ in range(batch.running)]
    try:
        while batch.running or batch.items:
            if not batch.items:
                await batch.wait()
            items, batch.items = batch.items, []
            if items:
                yield items
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


class _Batch:
    """What the probe workers finished since the reader last took it, and one wake-up future
    for the reader (instead of one queue hand-over per item)."""

    def __init__(self, workers: int) -> None:
        self.items: list[Finding | int] = []
        self.running = max(1, workers)
        self._waiter: asyncio.Future[None] | None = None

    def add(self, item: Finding | int) -> None:
        self.items.append(item)
        self.wake()

    def wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def wait(self) -> None:
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None
