"""Exposure benchmark: our TCP connect scan beside ``nmap -sT -T5`` on the same loopback ports,
and banner grabbing (SSH-like and HTTP listeners) in services per second.

What it does, touching no port of the machine but its own:

1. a child process picks free ports on 127.0.0.1 in ``PORT_RANGE`` (each one checked by binding
   it), opens ``--open`` asyncio listeners that accept and close, reserves ``--closed`` ports
   (bound, never listening: connects are refused), and opens ``--banners`` listeners that greet
   like SSH or answer like HTTP;
2. ``--rounds`` times, interleaved: ``connect_scan`` over exactly the open + closed ports, and
   ``nmap -sT -T5 -n -Pn -p <exactly those ports> 127.0.0.1`` (``-n -Pn``: no DNS, no ping, so
   nmap sends nothing but the connects); both must find every open port open and every closed
   one closed;
3. ``--rounds`` times the SSH and HTTP probes against the banner listeners;
4. writes ``bench/results/exposure.json`` and ``bench/results/exposure.md``.

Usage: ``.venv/bin/python bench/exposure.py`` (2,000 + 2,000 ports, 1,000 banner services,
5 rounds: under a minute) or ``--open 200 --closed 200 --banners 100 --rounds 1``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import resource
import shutil
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from cleannet.engines.exposure import (
    PROBES,
    Finding,
    PortState,
    Probe,
    ProbeContext,
    Target,
    connect_scan,
    user_agent,
)
from cleannet.engines.exposure.connect import DEFAULT_CONCURRENCY, PARALLEL_MIN_PAIRS, worker_count
from cleannet.engines.exposure.scanner import PARALLEL_MIN_JOBS, probe_services

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)
import exposure_report  # noqa: E402

RESULTS = BENCH / "results"
PORT_RANGE = range(21000, 32000)  # below the ephemeral range (32768-60999)
SSH_BANNER = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n"
HTTP_RESPONSE = (
    b"HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\nContent-Length: 37\r\nConnection: close\r\n\r\n"
    b"<html><title>Bench</title></html>\r\n\r\n"
)


# CPU seconds each tool used per round: on a shared, loaded machine the wall-clock rate says
# as much about the neighbours as about the tool, the CPU cost per probe does not.
CPU_SECONDS: dict[str, list[float]] = defaultdict(list)


def cpu_now() -> float:
    """CPU seconds of this process and of its reaped children: the scan's worker processes
    (nmap's own are measured around its run; the listener child is reaped only at the end)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


@dataclass
class Ports:
    """The ports the child holds: open listeners, closed reservations, banner listeners."""

    open: list[int] = field(default_factory=list)
    closed: list[int] = field(default_factory=list)
    ssh: list[int] = field(default_factory=list)
    http: list[int] = field(default_factory=list)


def raise_file_limit() -> None:
    """Allow as many descriptors as the hard limit: thousands of sockets are open at once."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def _free_sockets(count: int, taken: set[int]) -> list[socket.socket]:
    """Bind ``count`` sockets to free ports of ``PORT_RANGE`` on 127.0.0.1 (skipping used ones)."""
    bound: list[socket.socket] = []
    for port in PORT_RANGE:
        if len(bound) == count:
            return bound
        if port in taken:
            continue
        sock = socket.socket()
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        taken.add(port)
        bound.append(sock)
    raise SystemExit(f"only {len(bound)} free ports in {PORT_RANGE}, {count} wanted")


class _Listener(asyncio.Protocol):
    """A bare protocol (no streams): the listeners are the fixture, not what is measured, and
    must leave the CPU to the scanners. Subclasses answer; this one accepts and closes."""

    transport: asyncio.Transport

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.greet()

    def greet(self) -> None:
        self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        """Nothing to release."""


class _Ssh(_Listener):
    def greet(self) -> None:
        self.transport.write(SSH_BANNER)
        self.transport.close()


class _Http(_Listener):
    """Answers once the request head has arrived (the probe sends one GET)."""

    def greet(self) -> None:
        self.head = b""

    def data_received(self, data: bytes) -> None:
        self.head += data
        if b"\r\n\r\n" in self.head or len(self.head) > 16384:
            self.transport.write(HTTP_RESPONSE)
            self.transport.close()


async def _serve(counts: tuple[int, int, int]) -> None:
    """Open the listeners, print their ports as one JSON line, hold them until stdin closes."""
    open_count, closed_count, banner_count = counts
    taken: set[int] = set()
    groups = [
        (_free_sockets(open_count, taken), _Listener),
        (_free_sockets(banner_count // 2, taken), _Ssh),
        (_free_sockets(banner_count - banner_count // 2, taken), _Http),
    ]
    closed = _free_sockets(closed_count, taken)  # bound, never listening
    servers = []
    loop = asyncio.get_running_loop()
    for sockets, protocol in groups:
        for sock in sockets:
            sock.listen(1024)
            servers.append(await loop.create_server(protocol, sock=sock, backlog=1024))
    ports = [[s.getsockname()[1] for s in group] for group, _ in groups]
    held = Ports(ports[0], [s.getsockname()[1] for s in closed], ports[1], ports[2])
    print(json.dumps(asdict(held)), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)  # until stdin closes
    for server in servers:
        server.close()


def listener_process(counts: tuple[int, int, int]) -> None:
    """The child (``--listen``): hold the listeners until its standard input closes."""
    raise_file_limit()
    asyncio.run(_serve(counts))


async def our_scan(
    ports: Sequence[int], concurrency: int, workers: int | None = None
) -> tuple[float, dict[int, PortState]]:
    """Connect-scan ``ports`` of 127.0.0.1; return seconds and each port's state."""
    start = time.perf_counter()
    cpu = cpu_now()
    pairs = [("127.0.0.1", port) for port in ports]
    scanning = connect_scan(pairs, timeout=3.0, concurrency=concurrency, workers=workers)
    states = {r.port: r.state async for r in scanning}
    CPU_SECONDS["cleannet"].append(cpu_now() - cpu)
    return time.perf_counter() - start, states


def port_list(ports: Sequence[int]) -> str:
    """``1,2,3,7`` written as ``1-3,7`` (nmap's -p syntax), exactly the given ports."""
    ordered = sorted(ports)
    parts: list[str] = []
    start = prev = ordered[0]
    for port in [*ordered[1:], -1]:
        if port != prev + 1:
            parts.append(str(start) if start == prev else f"{start}-{prev}")
            start = port
        prev = port
    return ",".join(parts)


def nmap_command(ports: Sequence[int]) -> list[str]:
    """The peer: nmap's TCP connect scan at its fastest timing, on exactly ``ports``."""
    return ["nmap", "-sT", "-T5", "-n", "-Pn", "-p", port_list(ports), "-oG", "-", "127.0.0.1"]


def nmap_scan(ports: Sequence[int]) -> tuple[float, dict[int, str]]:
    """Run nmap; return seconds and the state it reported for each port it listed."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(nmap_command(ports), capture_output=True, text=True, check=True)  # noqa: S603
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    CPU_SECONDS["nmap"].append(used)
    states = {int(p): s for p, s in re.findall(r"(\d+)/(open|closed|filtered)/tcp", done.stdout)}
    # nmap's greppable output folds the most common state into "Ignored State: closed (N)"
    folded = re.search(r"Ignored State: (\w+) \((\d+)\)", done.stdout)
    if folded:
        for port in ports:
            states.setdefault(port, folded.group(1))
    return seconds, states


class OnPorts:
    """A registry probe told that the benchmark's ports are its own (they are not 22 or 80)."""

    def __init__(self, name: str, ports: Sequence[int]) -> None:
        base = PROBES[name]
        self.name, self.report_type, self.transport = name, base.report_type, base.transport
        self.default_ports = tuple(ports)

    async def probe(self, target: Target, timeout: float) -> list[Finding]:
        """The registry probe's answer, unchanged."""
        return await PROBES[self.name].probe(target, timeout)


async def banner_grab(
    ports: Ports, concurrency: int, workers: int | None = None
) -> tuple[float, int]:
    """Run the scanner's probe stage (``probe_services`` with the registry's SSH and HTTP
    probes) on every banner listener; return seconds and findings."""
    probes: dict[str, Probe] = {
        "ssh": OnPorts("ssh", ports.ssh),
        "http": OnPorts("http", ports.http),
    }
    targets = [Target("127.0.0.1", port) for port in ports.ssh + ports.http]
    start = time.perf_counter()
    cpu = cpu_now()
    stage = probe_services(
        targets,
        probes,
        context=ProbeContext(user_agent=user_agent("https://cleannet.invalid/bench")),
        timeout=2.0,
        concurrency=concurrency,
        workers=workers,
    )
    found = sum([isinstance(item, Finding) async for item in stage])
    CPU_SECONDS["banners"].append(cpu_now() - cpu)
    return time.perf_counter() - start, found


def _check(kind: str, states: dict[int, object], ports: Ports) -> None:
    wrong_open = [p for p in ports.open if str(states.get(p)) != "open"]
    wrong_closed = [p for p in ports.closed if str(states.get(p)) != "closed"]
    if wrong_open or wrong_closed:
        seen = sorted({str(states.get(p)) for p in wrong_open + wrong_closed})
        raise SystemExit(
            f"{kind}: {len(wrong_open)} open and {len(wrong_closed)} closed ports wrong ({seen})"
        )


def run(args: argparse.Namespace) -> dict[str, object]:
    """Start the listener child, run every stage ``args.rounds`` times, return the results."""
    raise_file_limit()
    counts = [str(args.open), str(args.closed), str(args.banners)]
    child = subprocess.Popen(  # noqa: S603 - this very script, with fixed arguments
        [sys.executable, __file__, "--listen", *counts],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdin is not None and child.stdout is not None
    try:
        line = child.stdout.readline()
        if not line:
            raise SystemExit("the listener process did not start")
        return _measure(args, Ports(**json.loads(line)))
    finally:
        child.stdin.close()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        child.stdout.close()


def _measure(args: argparse.Namespace, ports: Ports) -> dict[str, object]:
    scanned = ports.open + ports.closed
    rates: dict[str, list[float]] = {"cleannet": [], "nmap": [], "banners": []}
    have_nmap = shutil.which("nmap") is not None and not args.no_nmap
    services = len(ports.ssh) + len(ports.http)
    for _ in range(args.rounds):
        seconds, states = asyncio.run(our_scan(scanned, args.concurrency, args.workers))
        _check("cleannet", dict(states), ports)
        rates["cleannet"].append(len(scanned) / seconds)
        if have_nmap:
            seconds, nmap_states = nmap_scan(scanned)
            _check("nmap", dict(nmap_states), ports)
            rates["nmap"].append(len(scanned) / seconds)
        seconds, found = asyncio.run(banner_grab(ports, args.banner_concurrency, args.workers))
        if found != services:
            raise SystemExit(f"banner grabbing found {found} of {services}")
        rates["banners"].append(found / seconds)
    command = " ".join(nmap_command(ports.open[:2] + ports.closed[:1]))
    auto = args.workers is None
    args.workers_used = {
        "connect_scan": worker_count(len(scanned), PARALLEL_MIN_PAIRS) if auto else args.workers,
        "banners": worker_count(services, PARALLEL_MIN_JOBS) if auto else args.workers,
    }
    result: dict[str, object] = exposure_report.summary(args, ports, rates, CPU_SECONDS, command)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write its results; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--open", type=int, default=2000)
    parser.add_argument("--closed", type=int, default=2000)
    parser.add_argument("--banners", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument("--banner-concurrency", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="processes (default: auto)")
    parser.add_argument("--no-nmap", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--listen", type=int, nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.listen:
        listener_process(tuple(args.listen))
        return 0
    result = run(args)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "exposure.json").write_text(json.dumps(result, indent=2) + "\n")
    (args.results / "exposure.md").write_text(exposure_report.render(result))
    print(exposure_report.render(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
