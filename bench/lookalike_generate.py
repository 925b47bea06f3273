"""Side by side: dnstwist's permutation engine against ours, generation only (no DNS).

For ten real Vietnamese bank and shop domains, both run the same fuzzers: dnstwist's defaults
(addition, bitsquatting, cyrillic, homoglyph, hyphenation, insertion, omission, plural,
repetition, replacement, subdomain, transposition, vowel-swap, various) plus its dictionary and
tld-swap fuzzers, given our lure words and suffix list. dnstwist is timed on
``Fuzzer(domain, dictionary, tld_dictionary).generate()``; ours on ``generate(domain,
fuzzers=<the same>)``, which returns finished ``Permutation`` objects. A row for ours with all
its fuzzers (``homoglyph-vi`` and ``dictionary-tld`` added) shows what the extra names cost.

A second table runs the same brand labels under ``.com``, where no registry rule cuts the IDN
work: there both sides make (almost) the same names, so that ratio is the like-for-like one.

Superset check: every dnstwist name a registry could issue (not a public suffix; IDN only
directly under ``vn`` with Vietnamese letters, never under ``com.vn`` …, per phishing.md §4)
must be among ours. dnstwist's other names (e.g. ``xn--…com.vn``) are counted as unregistrable.

Run: ``.venv/bin/python bench/lookalike_generate.py`` (writes
bench/results/lookalike-generate.{md,json}).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import dnstwist

from cleannet.core.indicators.domain import domain_to_unicode, public_suffix
from cleannet.engines.lookalike.generator import FUZZERS, generate
from cleannet.engines.lookalike.glyphs import LDH, VIETNAMESE_LETTERS
from cleannet.engines.lookalike.lures import DEFAULT_LURE_WORDS, DEFAULT_TLDS

DOMAINS = (
    "vietcombank.com.vn",
    "bidv.com.vn",
    "techcombank.com.vn",
    "mbbank.com.vn",
    "vpbank.com.vn",
    "agribank.com.vn",
    "shopee.vn",
    "tiki.vn",
    "lazada.vn",
    "thegioididong.com",
)
LIKE_FOR_LIKE = tuple(dict.fromkeys(domain.split(".", 1)[0] + ".com" for domain in DOMAINS))
SAME_FUZZERS = [name for name in FUZZERS if name not in ("homoglyph-vi", "dictionary-tld")]
REPEAT = 3
RESULTS = Path(__file__).resolve().parent / "results"


def best_seconds(run: Callable[[], object], repeat: int = REPEAT) -> float:
    """Return the fastest of ``repeat`` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def dnstwist_names(domain: str) -> set[str]:
    fuzzer = dnstwist.Fuzzer(
        domain, dictionary=list(DEFAULT_LURE_WORDS), tld_dictionary=list(DEFAULT_TLDS)
    )
    fuzzer.generate()
    return {found["domain"] for found in fuzzer.domains if found["fuzzer"] != "*original"}


def registrable(name: str) -> bool:
    """The registry rules of phishing.md §4, independent of the generator's code."""
    suffix = public_suffix(name)
    if suffix == name:
        return False
    letters = set(domain_to_unicode(name[: -len(suffix) - 1], allow_single_label=True))
    letters -= LDH | {"."}
    if not letters:
        return True
    return letters <= VIETNAMESE_LETTERS if suffix == "vn" else not suffix.endswith(".vn")


def measure(domain: str) -> dict[str, object]:
    theirs = dnstwist_names(domain)
    ours = {found.name for found in generate(domain, fuzzers=SAME_FUZZERS).permutations}
    everything = generate(domain).permutations
    issuable = {name for name in theirs if registrable(name)}
    seconds_theirs = best_seconds(dnstwist_names_timed(domain))
    seconds_ours = best_seconds(lambda: generate(domain, fuzzers=SAME_FUZZERS))
    seconds_all = best_seconds(lambda: generate(domain))
    return {
        "domain": domain,
        "dnstwist_names": len(theirs),
        "dnstwist_registrable": len(issuable),
        "dnstwist_registrable_missing_from_ours": len(issuable - ours),
        "ours_names": len(ours),
        "ours_all_fuzzers_names": len(everything),
        "dnstwist_ms": round(seconds_theirs * 1000, 2),
        "ours_ms": round(seconds_ours * 1000, 2),
        "ours_all_fuzzers_ms": round(seconds_all * 1000, 2),
        "ratio": round(seconds_theirs / seconds_ours, 1),
    }


def dnstwist_names_timed(domain: str) -> Callable[[], object]:
    def run() -> object:
        fuzzer = dnstwist.Fuzzer(
            domain, dictionary=list(DEFAULT_LURE_WORDS), tld_dictionary=list(DEFAULT_TLDS)
        )
        fuzzer.generate()
        return fuzzer

    return run


def warm_up() -> None:
    # Both sides load tables on first use (idna's, the PSL); neither pays it in the timings.
    for domain in ("warmup.com", "warmup.vn", "warmup.com.vn"):
        dnstwist_names(domain)
        generate(domain)


def totals(rows: list[dict[str, object]]) -> dict[str, object]:
    def total(key: str) -> float:
        return sum(float(str(row[key])) for row in rows)

    return {
        "dnstwist_ms": round(total("dnstwist_ms"), 1),
        "ours_ms": round(total("ours_ms"), 1),
        "ours_all_fuzzers_ms": round(total("ours_all_fuzzers_ms"), 1),
        "ratio": round(total("dnstwist_ms") / total("ours_ms"), 1),
        "dnstwist_names_per_s": round(total("dnstwist_names") / total("dnstwist_ms") * 1000),
        "ours_names_per_s": round(total("ours_names") / total("ours_ms") * 1000),
        "ours_all_fuzzers_names_per_s": round(
            total("ours_all_fuzzers_names") / total("ours_all_fuzzers_ms") * 1000
        ),
        "registrable_missing": int(total("dnstwist_registrable_missing_from_ours")),
        "registrable_checked": int(total("dnstwist_registrable")),
    }


def environment() -> dict[str, object]:
    return {
        "command": ".venv/bin/python bench/lookalike_generate.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "dnstwist": dnstwist.__version__,
    }


def markdown(report: dict[str, object]) -> str:
    env = report["environment"]
    assert isinstance(env, dict)
    load = " / ".join(str(value) for value in env["load_average"])
    lines = [
        "# Lookalike generation: dnstwist vs CleanNet (generation only, no DNS)",
        "",
        f"Command: `{env['command']}` on {env['date']}, Python {env['python']}, "
        f"{env['machine']} (load average {load} before the run), dnstwist {env['dnstwist']}.",
        "",
        "Same fuzzers both sides: dnstwist's defaults + dictionary + tld-swap, with our "
        f"{len(DEFAULT_LURE_WORDS)} lure words and {len(DEFAULT_TLDS)} suffixes. Best of "
        f"{REPEAT} runs per domain. *All* = ours with `homoglyph-vi` and `dictionary-tld` too.",
        "",
        "## Ten Vietnamese bank and shop domains",
        "",
        *table(report["domains"], report["total"]),
        "Fewer names than dnstwist under `com.vn` and `vn` is the registry rule, not a miss: "
        "dnstwist emits IDN labels under `com.vn` (the .vn registry issues none there) and "
        "non-Vietnamese letters under `vn`; the ratio above includes that saving.",
        "",
        "## Like for like: the same labels under `.com`",
        "",
        *table(report["like_for_like"], report["like_for_like_total"]),
        "The machine is shared: compare rows of one run.",
        "",
    ]
    return "\n".join(lines)


def table(rows: object, total: object) -> list[str]:
    """Return the Markdown lines of one table of ``measure`` rows and its ``totals``."""
    assert isinstance(rows, list)
    assert isinstance(total, dict)
    lines = [
        "| domain | dnstwist names | dnstwist ms | ours names | ours ms | ratio "
        "| registrable dnstwist names missing from ours | all: names | all: ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['domain']} | {row['dnstwist_names']:,} | {row['dnstwist_ms']} "
            f"| {row['ours_names']:,} | {row['ours_ms']} | {row['ratio']}× "
            f"| {row['dnstwist_registrable_missing_from_ours']} of "
            f"{row['dnstwist_registrable']:,} | {row['ours_all_fuzzers_names']:,} "
            f"| {row['ours_all_fuzzers_ms']} |"
        )
    lines += [
        "",
        f"Total: dnstwist {total['dnstwist_ms']} ms, ours {total['ours_ms']} ms: "
        f"**{total['ratio']}× faster**; names per second {total['dnstwist_names_per_s']:,} vs "
        f"{total['ours_names_per_s']:,} (all fuzzers: {total['ours_all_fuzzers_names_per_s']:,}).",
        f"Superset: {total['registrable_missing']} of {total['registrable_checked']:,} "
        "registrable dnstwist names missing from ours.",
        "",
    ]
    return lines


def main() -> None:
    report: dict[str, object] = {"environment": environment()}
    warm_up()
    rows = [measure(domain) for domain in DOMAINS]
    report["domains"] = rows
    report["total"] = totals(rows)
    same = [measure(domain) for domain in LIKE_FOR_LIKE]
    report["like_for_like"] = same
    report["like_for_like_total"] = totals(same)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lookalike-generate.json").write_text(json.dumps(report, indent=2) + "\n")
    text = markdown(report)
    (RESULTS / "lookalike-generate.md").write_text(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
