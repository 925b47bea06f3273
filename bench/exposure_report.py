"""The exposure benchmark's summary (``exposure.json``) and readable page (``exposure.md``)."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
from typing import Any


def _median(values: list[float]) -> int | None:
    return round(statistics.median(values)) if values else None


def _cpu_us(values: list[float], count: int) -> float | None:
    """Median CPU seconds of a round, in microseconds per item."""
    return round(statistics.median(values) / count * 1e6, 1) if values and count else None


def summary(
    args: argparse.Namespace,
    ports: Any,
    rates: dict[str, list[float]],
    cpu: dict[str, list[float]],
    nmap_command: str,
) -> dict[str, object]:
    """Everything one run measured: each round's rate, medians, CPU cost (the scan's worker
    processes included), the machine's load."""
    probes = len(ports.open) + len(ports.closed)
    services = len(ports.ssh) + len(ports.http)
    ours, peer = _median(rates["cleannet"]), _median(rates["nmap"])
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_1min_at_end": round(os.getloadavg()[0], 1),
        },
        "cpu_microseconds_per_probe": {
            "cleannet": _cpu_us(cpu.get("cleannet", []), probes),
            "nmap": _cpu_us(cpu.get("nmap", []), probes),
        },
        "ports": {"open": len(ports.open), "closed": len(ports.closed)},
        "banner_services": {"ssh": len(ports.ssh), "http": len(ports.http)},
        "rounds": args.rounds,
        "concurrency": args.concurrency,
        "banner_concurrency": args.banner_concurrency,
        "worker_processes": getattr(args, "workers_used", None),
        "cleannet_probes_per_s": [round(v) for v in rates["cleannet"]],
        "nmap_probes_per_s": [round(v) for v in rates["nmap"]],
        "cleannet_median": ours,
        "nmap_median": peer,
        "ratio": round(ours / peer, 2) if ours and peer else None,
        "nmap_command": f"{nmap_command}  (here with every open and closed port)",
        "banners_per_s": [round(v) for v in rates["banners"]],
        "banners_median": _median(rates["banners"]),
        "banner_cpu_microseconds_per_service": _cpu_us(cpu.get("banners", []), services),
    }


def render(result: dict[str, Any]) -> str:
    """The readable page of one run."""
    cpu = result["cpu_microseconds_per_probe"]
    return "\n".join(
        [
            "# Exposure scanning: connect scan and banner grabbing on loopback",
            "",
            "Produced by `.venv/bin/python bench/exposure.py` "
            f"({result['rounds']} rounds, concurrency {result['concurrency']}, "
            f"banner concurrency {result['banner_concurrency']}, worker processes "
            f"{result.get('worker_processes')}).",
            "Every port is one the benchmark opened or reserved itself on 127.0.0.1; both tools "
            "must report every open port open and every closed one closed, and every banner "
            "service must give its finding.",
            "",
            "| what | median | each round |",
            "|---|---|---|",
            f"| CleanNet `connect_scan`, probes/s | {result['cleannet_median']} | "
            f"{result['cleannet_probes_per_s']} |",
            f"| `nmap -sT -T5`, probes/s | {result['nmap_median']} | "
            f"{result['nmap_probes_per_s']} |",
            f"| ratio CleanNet / nmap | {result['ratio']} | |",
            f"| CPU µs per probe, CleanNet | {cpu['cleannet']} | |",
            f"| CPU µs per probe, nmap | {cpu['nmap']} | |",
            "| banner grabbing (`probe_services`, SSH + HTTP probes), services/s | "
            f"{result['banners_median']} | {result['banners_per_s']} |",
            "| CPU µs per banner service, CleanNet | "
            f"{result['banner_cpu_microseconds_per_service']} | |",
            "",
            f"Ports: {result['ports']}; banner services (SSH and HTTP probes of the registry): "
            f"{result['banner_services']}; machine: {result['machine']} (a load average far "
            "above the CPU count means other work shared the machine: compare the CPU cost per "
            "probe, and run again when quiet). The listeners run in a child process of their "
            "own, as bare asyncio protocols, so that they take little of the CPU both tools need.",
            f"nmap: `{result['nmap_command']}`.",
            "",
        ]
    )
