"""Micro-benchmark of in-memory IP → prefix → AS → owner attribution (``PrefixIndex``).

Builds an index of 50,000 random nested IPv4 prefixes (2,000 allocations of /12 to /16 with
48,000 more specific /17 to /29 inside; a tenth of them change hands on one day), then looks
up 1,000,000 random IPv4 addresses on one day: as integers, as text, and one call at a time.
A second set of addresses is drawn from inside the prefixes (every look-up lands in a split
bucket: the worst case). The baseline is the classic in-memory approach: one dict per
prefix length, probed from /32 down (what ``networks.owners_of`` does against the database).

Run: ``.venv/bin/python bench/attribution.py`` (writes bench/results/attribution.{md,json}).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cleannet.engines.feeds.attribution import Hit, PrefixEntry, PrefixIndex, ip_to_int

SEED = 20260301
PREFIXES = 50_000
ALLOCATIONS = 2_000
LOOKUPS = 1_000_000
BASELINE_LOOKUPS = 100_000
DAY = dt.date(2026, 3, 1)
CHANGE_DAY = dt.date(2025, 7, 1)
RESULTS = Path(__file__).resolve().parent / "results"


def random_prefixes(rng: random.Random) -> list[tuple[int, int]]:
    """Return ``(network, length)`` pairs: allocations, then more specifics nested in them."""
    allocations = []
    for _ in range(ALLOCATIONS):
        length = rng.randint(12, 16)
        allocations.append((rng.getrandbits(length) << (32 - length), length))
    prefixes = set(allocations)
    while len(prefixes) < PREFIXES:
        base, length = rng.choice(allocations)
        inner = rng.randint(max(length + 1, 17), 29)
        prefixes.add((base + (rng.getrandbits(inner - length) << (32 - inner)), inner))
    return sorted(prefixes)


def entries_of(prefixes: list[tuple[int, int]], rng: random.Random) -> list[PrefixEntry]:
    """Return holdings of the prefixes; a tenth pass to another owner on ``CHANGE_DAY``."""
    entries = []
    for number, (network, length) in enumerate(prefixes):
        cidr = f"{socket.inet_ntoa(network.to_bytes(4, 'big'))}/{length}"
        asn, owner = 64512 + number % 1000, f"org-{number % 700}"
        if rng.random() < 0.1:
            entries.append(PrefixEntry(cidr, asn, owner, None, CHANGE_DAY))
            entries.append(PrefixEntry(cidr, asn + 1, f"org-{number % 701}", CHANGE_DAY))
        else:
            entries.append(PrefixEntry(cidr, asn, owner))
    return entries


def best_rate(run: Callable[[], object], count: int, repeat: int = 3) -> float:
    """Return the best of ``repeat`` runs as items per second."""
    best = min(_timed(run) for _ in range(repeat))
    return count / best


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def dict_baseline(entries: list[PrefixEntry]) -> Callable[[list[int]], list[str | None]]:
    """Return a look-up over one dict per prefix length (held on ``DAY``), longest first."""
    tables: dict[int, dict[int, str]] = {}
    for entry in entries:
        held = (entry.valid_from or dt.date.min) <= DAY < (entry.valid_until or dt.date.max)
        if held and isinstance(entry.network, str):
            family_value = ip_to_int(entry.network.split("/")[0])[1]
            length = int(entry.network.split("/")[1])
            tables.setdefault(length, {})[family_value >> (32 - length)] = str(entry.owner)
    lengths = sorted(tables, reverse=True)

    def lookup(values: list[int]) -> list[str | None]:
        answers: list[str | None] = []
        for value in values:
            found = None
            for length in lengths:
                found = tables[length].get(value >> (32 - length))
                if found is not None:
                    break
            answers.append(found)
        return answers

    return lookup


def measure() -> dict[str, float | int | str]:
    rng = random.Random(SEED)
    prefixes = random_prefixes(rng)
    entries = entries_of(prefixes, rng)
    started = time.perf_counter()
    index = PrefixIndex(entries)
    build = time.perf_counter() - started
    started = time.perf_counter()
    index.lookup_ints([0], 4, DAY)  # flattens the day's epoch
    flatten = time.perf_counter() - started

    uniform = [rng.getrandbits(32) for _ in range(LOOKUPS)]
    inside = []
    for _ in range(LOOKUPS):
        network, length = rng.choice(prefixes)
        inside.append(network + rng.getrandbits(32 - length))
    texts = [socket.inet_ntoa(value.to_bytes(4, "big")) for value in uniform]
    inside_texts = [socket.inet_ntoa(value.to_bytes(4, "big")) for value in inside]
    baseline = dict_baseline(entries)
    check_agreement(index, baseline, inside[:BASELINE_LOOKUPS])

    def one_at_a_time() -> None:
        for text in texts:
            index.lookup(text, None, DAY)

    return {
        "prefixes": len(prefixes),
        "entries": len(index),
        "lookups": LOOKUPS,
        "build_seconds": round(build, 3),
        "flatten_epoch_seconds": round(flatten, 3),
        "ints_uniform_per_s": best_rate(lambda: index.lookup_ints(uniform, 4, DAY), LOOKUPS),
        "ints_inside_per_s": best_rate(lambda: index.lookup_ints(inside, 4, DAY), LOOKUPS),
        "text_uniform_per_s": best_rate(lambda: index.lookup_many(texts, DAY), LOOKUPS),
        "text_inside_per_s": best_rate(lambda: index.lookup_many(inside_texts, DAY), LOOKUPS),
        "single_calls_text_per_s": best_rate(one_at_a_time, LOOKUPS, repeat=1),
        "ip_to_int_per_s": best_rate(lambda: [ip_to_int(t) for t in texts], LOOKUPS),
        "baseline_dicts_inside_per_s": best_rate(
            lambda: baseline(inside[:BASELINE_LOOKUPS]), BASELINE_LOOKUPS
        ),
    }


def check_agreement(
    index: PrefixIndex, baseline: Callable[[list[int]], list[str | None]], values: list[int]
) -> None:
    """Stop if the index and the baseline disagree on any owner (the numbers mean nothing then)."""
    hits: list[Hit | None] = index.lookup_ints(values, 4, DAY)
    owners = [hit.owner if hit else None for hit in hits]
    if owners != baseline(values):
        sys.exit("the index and the dict baseline disagree")


def report(results: dict[str, float | int | str]) -> str:
    rows = [
        ("integers, uniform random IPv4", "ints_uniform_per_s"),
        ("integers, inside the prefixes (worst case)", "ints_inside_per_s"),
        ("text (`lookup_many`), uniform random IPv4", "text_uniform_per_s"),
        ("text (`lookup_many`), inside the prefixes", "text_inside_per_s"),
        ("text, one `lookup()` call each", "single_calls_text_per_s"),
        ("`ip_to_int` alone (text → int)", "ip_to_int_per_s"),
        ("baseline: dict per prefix length, inside", "baseline_dicts_inside_per_s"),
    ]
    lines = [
        "# Attribution look-ups (`PrefixIndex`)",
        "",
        f"Command: `.venv/bin/python bench/attribution.py` on {results['machine']} "
        f"(load average {results['load_before']} before the run).",
        "",
        f"{results['prefixes']:,} nested IPv4 prefixes ({results['entries']:,} holdings, a tenth "
        f"changing hands on one day); {results['lookups']:,} look-ups on one day, single thread.",
        f"Index built in {results['build_seconds']} s; the day's epoch flattened on first use "
        f"in {results['flatten_epoch_seconds']} s.",
        "",
        "| look-up | per second |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {float(results[key]):,.0f} |" for label, key in rows]
    lines += [
        "",
        "Best of three runs (one for single calls). The machine is shared: compare rows of one "
        "run, not runs of different days.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    load_before = " / ".join(f"{value:.2f}" for value in os.getloadavg())
    results = measure()
    results["machine"] = (
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs"
    )
    results["load_before"] = load_before
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "attribution.json").write_text(json.dumps(results, indent=2) + "\n")
    text = report(results)
    (RESULTS / "attribution.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
