"""Throughput of the lookalike scorer on a certificate-stream-like flow of names.

100 brands (the bundled ``brands-vn.csv``, padded with generated brands if it has fewer), and a
deterministic stream of 200,000 names (seeded): mostly unrelated hosts built from pseudo-words
(``www.``, ``mail.``, deep CDN-style and ``*.`` wildcard names, a spread of suffixes), 2 % of
lookalikes (brand + lure word, typos, homoglyphs, official name + junk, suffix games, IDN).
The process is pinned to one CPU (``os.sched_setaffinity``); the result gives names per
wall-clock second and per CPU second (the machine is shared: CPU seconds are the steadier
figure). Target: 50,000 names/s per core.

Run: ``.venv/bin/python bench/lookalike_score.py`` (writes bench/results/lookalike-score.{md,json}).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import sys
import time
from pathlib import Path

from cleannet.engines.lookalike.brands_csv import BUNDLED_BRANDS, load_brands
from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.scorer import Scorer

SEED = 20261130
NAMES = 200_000
BRANDS = 100
LOOKALIKE_SHARE = 0.02
TARGET = 50_000
RESULTS = Path(__file__).resolve().parent / "results"
SYLLABLES = [
    c + v for c in "bcdfghklmnprstvwxyz" for v in ("a", "e", "i", "o", "u", "an", "er", "on")
]
SUFFIXES = ["com"] * 8 + [
    "net",
    "org",
    "io",
    "de",
    "vn",
    "com.vn",
    "co.uk",
    "xyz",
    "top",
    "online",
    "app",
    "dev",
    "info",
    "ru",
    "fr",
    "com.br",
    "cloud",
    "shop",
]
SUBDOMAINS = ["", "", "www.", "*.", "mail.", "api.", "autodiscover.", "cpanel.", "webmail."]
LURES = ["xacminh", "hotro", "dangnhap", "cskh", "login", "secure", "khuyenmai", "247", "app"]


def word(rng: random.Random) -> str:
    """Return a pronounceable pseudo-word of 2–4 syllables."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def unrelated(rng: random.Random) -> str:
    """Return an unrelated host name as certificates carry them."""
    name = word(rng) + (f"-{word(rng)}" if rng.random() < 0.25 else "")
    host = f"{rng.choice(SUBDOMAINS)}{name}.{rng.choice(SUFFIXES)}"
    if rng.random() < 0.1:
        host = f"{word(rng)}{rng.randint(1, 99)}.{word(rng)}.{host.lstrip('*.')}"
    return host


def lookalike(rng: random.Random, brands: list[Brand]) -> str:
    """Return one of the fake patterns criminals register for a random brand."""
    brand = rng.choice(brands)
    keyword = max(brand.keywords, key=len)
    official = brand.official_domains[0]
    cut = rng.randrange(1, len(keyword))
    patterns = [
        f"{keyword}-{rng.choice(LURES)}.{rng.choice(SUFFIXES)}",
        f"{keyword[:cut]}{keyword[cut + 1 :]}.com",
        f"{official}-{word(rng)}.xyz",
        f"{official}.{word(rng)}.ru",
        f"{keyword}.vn.com",
        f"{keyword}.id.vn",
        f"{keyword.replace('o', '0', 1)}.com",
        f"*.{keyword}-{rng.choice(LURES)}.top",
    ]
    return rng.choice(patterns)


def stream(brands: list[Brand]) -> list[str]:
    """Return the deterministic stream of names."""
    rng = random.Random(SEED)
    return [
        lookalike(rng, brands) if rng.random() < LOOKALIKE_SHARE else unrelated(rng)
        for _ in range(NAMES)
    ]


def padded_brands() -> list[Brand]:
    """Return the bundled brands, padded with generated ones up to ``BRANDS``."""
    brands, _ = load_brands(BUNDLED_BRANDS)
    rng = random.Random(SEED + 1)
    while len(brands) < BRANDS:
        key = f"brand{len(brands)}{word(rng)}"
        brands.append(Brand(key, key, (f"{key}.com.vn",), (key,)))
    return brands[:BRANDS]


def measure(scorer: Scorer, names: list[str]) -> dict[str, float]:
    """Score every name once; return wall and CPU time and the alert count."""
    wall, cpu = time.perf_counter(), time.process_time()
    alerts = sum(1 for name in names if scorer.score(name).is_alert())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall_s": wall, "cpu_s": cpu, "alerts": alerts}


def write(result: dict[str, object]) -> None:
    """Write the JSON result and its readable Markdown page."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lookalike-score.json").write_text(json.dumps(result, indent=2) + "\n")
    lines = [
        "# Lookalike scorer throughput",
        "",
        f"Command: `{result['command']}`  ",
        f"Date: {result['date']}; machine: {result['machine']}; "
        f"load average before: {result['load_average']}",
        "",
        f"{result['brands']} brands, {result['names']:,} names "
        f"({LOOKALIKE_SHARE:.0%} lookalikes), one CPU.",
        "",
        "| run | names/s (wall) | names per CPU second | alerts |",
        "|---|---|---|---|",
    ]
    runs = result["runs"]
    assert isinstance(runs, list)
    for run in runs:
        lines.append(
            f"| {run['run']} | {run['names_per_s']:,.0f} | "
            f"{run['names_per_cpu_s']:,.0f} | {run['alerts']:,} |"
        )
    lines += ["", f"Target: {TARGET:,} names/s per core. {result['verdict']}", ""]
    (RESULTS / "lookalike-score.md").write_text("\n".join(lines))


def main() -> int:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    load = os.getloadavg()
    brands = padded_brands()
    scorer = Scorer(brands)
    names = stream(brands)
    runs = []
    for label in ("cold (caches empty)", "warm (second pass)"):
        timing = measure(scorer, names)
        runs.append(
            {
                "run": label,
                "names_per_s": NAMES / timing["wall_s"],
                "names_per_cpu_s": NAMES / timing["cpu_s"],
                "alerts": timing["alerts"],
            }
        )
    best = max(run["names_per_cpu_s"] for run in runs[:1])
    result = {
        "command": "python bench/lookalike_score.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()} {platform.processor() or platform.machine()} "
        f"Python {platform.python_version()}",
        "load_average": [round(value, 2) for value in load],
        "brands": len(brands),
        "names": NAMES,
        "runs": runs,
        "verdict": (
            f"Cold run: {best:,.0f} names per CPU second, "
            f"{'meets' if best >= TARGET else 'misses'} the target."
        ),
    }
    write(result)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
