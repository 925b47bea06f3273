"""Throughput of the certstream reader and the lookalike scorer on one core.

Generates a deterministic file of 100,000 certstream lite messages (seeded; 2–4 names each,
a wildcard in a third of them, the extensions, issuer and subject a real lite message carries,
about 1.3 kB a line; one heartbeat per 100 messages; one certificate in 200 is a lookalike of
a brand; each certificate logged twice, as precertificate then certificate, as in real CT),
then measures on one thread:

- parse: ``names_from_certstream_lines(open_stream(file))`` (JSON, flatten, normalise);
- score: the scorer alone on the names parse produced, against 100 brands;
- parse + score: both in one pass, every name scored;
- watch: the same, a name seen lately scored once, as ``cleannet brands watch`` does.

The target (issue #4) is 50,000 names/s per core; CT logs carry about 300 certificates/s.

Run: ``.venv/bin/python bench/lookalike_stream.py`` (writes
bench/results/lookalike-stream.{json,md}; the generated file goes to var/bench/).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from cleannet.engines.lookalike.certstream import names_from_certstream_lines
from cleannet.engines.lookalike.model import Brand
from cleannet.engines.lookalike.scorer import Scorer
from cleannet.engines.lookalike.streams import (
    RecentNames,
    StreamCounters,
    StreamName,
    open_stream,
)

SEED = 20260304
MESSAGES = 100_000
BRANDS = 100
ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "var" / "bench"
WORDS = [
    "shop",
    "store",
    "cloud",
    "mail",
    "web",
    "app",
    "blog",
    "news",
    "home",
    "tech",
    "data",
    "pay",
    "my",
    "portal",
    "api",
    "cdn",
    "dev",
    "test",
    "green",
    "blue",
    "sun",
    "moon",
    "river",
    "city",
    "hanoi",
    "saigon",
    "coffee",
    "pho",
    "travel",
    "hotel",
    "auto",
    "bike",
    "farm",
    "studio",
    "media",
    "photo",
    "print",
    "design",
    "build",
    "smart",
    "fast",
    "best",
    "one",
    "go",
    "net",
    "hub",
    "lab",
    "art",
]
TLDS = ["com", "net", "org", "vn", "com.vn", "io", "xyz", "online", "shop", "info", "id.vn"]
LURES = ["xacthuc", "dangnhap", "hotro", "cskh", "khuyenmai", "ebank", "online", "vn"]


def brands() -> list[Brand]:
    """Return 100 brands: made-up Vietnamese-style bank, shop and utility names."""
    rng = random.Random(SEED)
    syllables = [
        "viet",
        "com",
        "tech",
        "agri",
        "sacom",
        "tp",
        "mb",
        "vp",
        "hd",
        "ocb",
        "shin",
        "kien",
        "long",
        "phu",
        "an",
        "binh",
    ]
    made: dict[str, Brand] = {}
    while len(made) < BRANDS:
        key = "".join(rng.sample(syllables, 2)) + rng.choice(["bank", "pay", "mart", "dien"])
        made[key] = Brand(key, key.title(), (f"{key}.com.vn", f"{key}.vn"), (key,))
    return list(made.values())


def _benign(rng: random.Random) -> str:
    parts = rng.sample(WORDS, rng.choice([1, 2, 2, 3]))
    return "-".join(parts) + str(rng.randrange(1000)) + "." + rng.choice(TLDS)


def _fake(rng: random.Random, keys: list[str]) -> str:
    key = rng.choice(keys)
    return f"{key}-{rng.choice(LURES)}.{rng.choice(['com', 'online', 'vn.com', 'id.vn'])}"


def _names(rng: random.Random, keys: list[str]) -> list[str]:
    base = _fake(rng, keys) if rng.random() < 0.005 else _benign(rng)
    extra = [f"{rng.choice(['www', 'mail', 'api', 'shop'])}.{base}"]
    extra += [_benign(rng) for _ in range(rng.choice([0, 0, 1, 2]))]
    return ([f"*.{base}"] if rng.random() < 0.33 else []) + [base, *extra][:4]


def message(rng: random.Random, index: int, names: list[str], update_type: str) -> dict[str, Any]:
    """Return one certstream lite message as certstream-server-go writes it."""
    issuer = rng.choice([("R11", "Let's Encrypt"), ("E6", "Let's Encrypt"), ("WR1", "Google")])
    subject = {"C": None, "CN": names[0], "L": None, "O": None, "OU": None, "ST": None}
    return {
        "message_type": "certificate_update",
        "data": {
            "update_type": update_type,
            "leaf_cert": {
                "subject": {**subject, "aggregated": f"/CN={names[0]}", "emailAddress": None},
                "extensions": {
                    "keyUsage": "Digital Signature",
                    "extendedKeyUsage": "TLS Web server authentication",
                    "basicConstraints": "CA:FALSE",
                    "subjectKeyIdentifier": f"{rng.getrandbits(160):040X}",
                    "authorityKeyIdentifier": f"keyid:{rng.getrandbits(160):040X}\n",
                    "authorityInfoAccess": "CA Issuers - URI:http://r11.i.lencr.org/\n",
                    "subjectAltName": ", ".join(f"DNS:{name}" for name in names),
                    "certificatePolicies": "Policy: 2.23.140.1.2.1",
                },
                "not_before": 1767225600 + index,
                "not_after": 1775001600 + index,
                "serial_number": f"{rng.getrandbits(128):032X}",
                "fingerprint": ":".join(f"{rng.getrandbits(8):02X}" for _ in range(20)),
                "issuer": {"C": "US", "CN": issuer[0], "O": issuer[1], "aggregated": "/C=US"},
                "all_domains": names,
                "signature_algorithm": "sha256, rsa",
                "is_ca": False,
            },
            "cert_index": 712_000_000 + index,
            "cert_link": f"https://ct.example/ct/v1/get-entries?start={index}&end={index}",
            "seen": 1767225600.0 + index / 300,
            "source": {"url": "https://ct.googleapis.com/logs/us1/argon2026h1/", "name": "Argon"},
        },
    }


def certificates(rng: random.Random, keys: list[str]) -> Iterator[tuple[list[str], str]]:
    """Yield (names, update type): each certificate as a precertificate, then, a few to a
    few dozen messages later, as the final certificate (how CT logs carry most of them)."""
    pending: list[list[str]] = []
    for _ in range(MESSAGES):
        if pending and (len(pending) > 40 or rng.random() < 0.5):
            yield pending.pop(rng.randrange(len(pending))), "X509LogEntry"
        else:
            names = _names(rng, keys)
            pending.append(names)
            yield names, "PrecertLogEntry"


def write_stream(path: Path, keys: list[str]) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8") as out:
        for index, (names, update_type) in enumerate(certificates(rng, keys)):
            if index % 100 == 99:
                out.write('{"message_type": "heartbeat", "timestamp": 1767225600.0}\n')
            line = json.dumps(message(rng, index, names, update_type), separators=(",", ":"))
            out.write(line + "\n")


def parse(path: Path) -> tuple[float, list[StreamName], StreamCounters]:
    counters = StreamCounters()
    started = time.perf_counter()
    found = [
        item
        for item in names_from_certstream_lines(open_stream(path), counters=counters)
        if isinstance(item, StreamName)
    ]
    return time.perf_counter() - started, found, counters


def score(scorer: Scorer, names: list[StreamName]) -> tuple[float, int]:
    started = time.perf_counter()
    alerts = sum(scorer.score(item.name).is_alert() for item in names)
    return time.perf_counter() - started, alerts


def parse_and_score(scorer: Scorer, path: Path) -> float:
    started = time.perf_counter()
    for item in names_from_certstream_lines(open_stream(path)):
        if isinstance(item, StreamName):
            scorer.score(item.name)
    return time.perf_counter() - started


def watch(scorer: Scorer, path: Path) -> tuple[float, int]:
    """Parse and score as ``cleannet brands watch`` does: a name seen lately is not rescored."""
    recent, scored = RecentNames(), 0
    started = time.perf_counter()
    for item in names_from_certstream_lines(open_stream(path)):
        if isinstance(item, StreamName) and not recent.seen_before(item.name):
            scorer.score(item.name)
            scored += 1
    return time.perf_counter() - started, scored


def main() -> None:
    load = "{:.2f} / {:.2f} / {:.2f}".format(*os.getloadavg())
    registered = brands()
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / "certstream-100k.jsonl"
    write_stream(path, [brand.key for brand in registered])
    parse_seconds, names, counters = min((parse(path) for _ in range(3)), key=lambda r: r[0])
    # A fresh scorer for each run: its word caches would make a second pass unfairly fast.
    score_seconds, alerts = score(Scorer(registered), names)
    both_seconds = parse_and_score(Scorer(registered), path)
    watch_seconds, distinct = watch(Scorer(registered), path)
    result = {
        "messages": MESSAGES,
        "names": counters.names,
        "bytes": path.stat().st_size,
        "brands": len(registered),
        "alerts": alerts,
        "parse_messages_per_s": MESSAGES / parse_seconds,
        "parse_names_per_s": counters.names / parse_seconds,
        "score_names_per_s": counters.names / score_seconds,
        "parse_score_messages_per_s": MESSAGES / both_seconds,
        "parse_score_names_per_s": counters.names / both_seconds,
        "distinct_names": distinct,
        "watch_messages_per_s": MESSAGES / watch_seconds,
        "watch_names_per_s": counters.names / watch_seconds,
        "machine": f"Python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} CPUs",
        "load_before": load,
        "date": dt.date.today().isoformat(),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lookalike-stream.json").write_text(json.dumps(result, indent=2) + "\n")
    (RESULTS / "lookalike-stream.md").write_text(report(result))
    print(report(result))


def report(result: dict[str, Any]) -> str:
    size = result["bytes"] / result["messages"]
    stages = [
        ("parse (JSON, flatten, normalise)", "parse_messages_per_s", "parse_names_per_s"),
        ("score alone (100 brands)", None, "score_names_per_s"),
        ("parse + score every name", "parse_score_messages_per_s", "parse_score_names_per_s"),
        (
            "parse + score, repeats once (`brands watch`)",
            "watch_messages_per_s",
            "watch_names_per_s",
        ),
    ]
    rows = "\n".join(
        f"| {stage} | {f'{result[messages]:,.0f}' if messages else ''} | {result[names]:,.0f} |"
        for stage, messages, names in stages
    )
    return f"""# Certstream reading and lookalike scoring (one core)

Command: `.venv/bin/python bench/lookalike_stream.py` on {result["date"]}, {result["machine"]}
(load average {result["load_before"]} before the run).

{result["messages"]:,} certstream lite messages ({size:,.0f} bytes each on average, one heartbeat
per 100), {result["names"]:,} names after flattening `all_domains`, dropping `*.` and repeats;
{result["distinct_names"]:,} distinct (each certificate comes as a precertificate, then as the
certificate); {result["brands"]} brands; {result["alerts"]:,} alerts at the default threshold.

| stage | messages/s | names/s |
|---|---:|---:|
{rows}

Target: 50,000 names/s per core; CT logs carry about 300 certificates/s (about 1,000 names/s).
Parse is the best of three runs, the others one run. The machine is shared: compare rows of one
run, not runs of different days.
"""


if __name__ == "__main__":
    main()
