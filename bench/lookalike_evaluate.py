"""Precision and recall of the lookalike scorer on the labelled set built from public reports.

Scores ``data/evaluation/lookalike-labelled.csv`` (real fake domains named in press warnings
and in the ChongLuaDao community blacklist, plus hard legit names) against the brands in
``src/cleannet/engines/lookalike/data/brands-vn.csv`` and ``data/evaluation/brands-extra.csv``,
at ``DEFAULT_THRESHOLD``; the same figures as ``cleannet brands evaluate`` (one shared module).
Also reports the figures per source kind (press / community blacklist), per brand, the sweep
over thresholds 10…100, every false positive and false negative with its reasons, and the
recall on ``lookalike-brandless.csv`` (reported fakes whose host name carries no brand at all:
out of reach of name scoring, shown so that nobody mistakes the headline for all phishing).

The held-out set ``lookalike-heldout.csv`` (other public lists, other hard legit names; built
after the rules were tuned on the headline set) gets its own table, next to the figures the
scorer had on it before any rule was changed for it (``results/lookalike-heldout-before.json``,
a record kept as measured).

Run: ``.venv/bin/python bench/lookalike_evaluate.py``
(writes bench/results/lookalike-evaluation.{json,md}).
"""

from __future__ import annotations

import datetime as dt
import json
import platform
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from cleannet.cli.brands import counts_json, error_json
from cleannet.cli.brands_evaluation import (
    SWEEP_THRESHOLDS,
    Counts,
    Scored,
    counts_at,
    read_labelled,
    score_labelled,
)
from cleannet.engines.lookalike.brands_csv import load_brands
from cleannet.engines.lookalike.model import DEFAULT_THRESHOLD, Brand
from cleannet.engines.lookalike.scorer import Scorer

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "evaluation"
BRAND_FILES = (
    ROOT / "src" / "cleannet" / "engines" / "lookalike" / "data" / "brands-vn.csv",
    DATA / "brands-extra.csv",
)
LABELLED = DATA / "lookalike-labelled.csv"
HELDOUT = DATA / "lookalike-heldout.csv"
BRANDLESS = DATA / "lookalike-brandless.csv"
RESULTS = Path(__file__).resolve().parent / "results"
HELDOUT_BEFORE = RESULTS / "lookalike-heldout-before.json"
COMMUNITY = "ChongLuaDao"


def brands() -> list[Brand]:
    """Return the brands of every file that exists; stop on a bad row."""
    loaded: list[Brand] = []
    for path in BRAND_FILES:
        if path.exists():
            found, errors = load_brands(path)
            if errors:
                sys.exit(f"{path}: {errors[:3]}")
            loaded.extend(found)
    return loaded


def source_kind(entry: Scored) -> str:
    """Return where a row came from: a press/official report, the community list, or the
    hand-picked / official legit names."""
    if not entry.item.fake:
        return "legit"
    return "community blacklist" if COMMUNITY in entry.item.source else "press and official"


def figures(scored: list[Scored], threshold: int) -> dict[str, Any]:
    counts = counts_at(scored, threshold)
    return {"size": len(scored), **counts_json(counts)}


def per_brand_recall(scored: list[Scored], threshold: int) -> dict[str, dict[str, int]]:
    table: dict[str, dict[str, int]] = defaultdict(lambda: {"fakes": 0, "caught": 0})
    for entry in scored:
        if entry.item.fake:
            row = table[entry.item.brand or "?"]
            row["fakes"] += 1
            row["caught"] += entry.is_alert(threshold)
    return dict(sorted(table.items(), key=lambda item: -item[1]["fakes"]))


def report() -> dict[str, Any]:
    registered = brands()
    scorer = Scorer(registered)
    scored = score_labelled(read_labelled(LABELLED), scorer.score)
    counts: Counts = counts_at(scored, DEFAULT_THRESHOLD)
    legit = [entry for entry in scored if not entry.item.fake]
    by_kind = {
        kind: figures([e for e in scored if source_kind(e) == kind] + legit, DEFAULT_THRESHOLD)
        for kind in ("press and official", "community blacklist")
    }
    brandless = score_labelled(read_labelled(BRANDLESS), scorer.score)
    return {
        "heldout": heldout(scorer),
        "command": "bench/lookalike_evaluate.py",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "brands": len(registered),
        "set": str(LABELLED.relative_to(ROOT)),
        "sources": dict(Counter(source_kind(entry) for entry in scored)),
        "press_sources": len(
            {e.item.source for e in scored if source_kind(e) == "press and official"}
        ),
        "headline": {"size": len(scored), **counts_json(counts)},
        "by_source": by_kind,
        "per_brand": per_brand_recall(scored, DEFAULT_THRESHOLD),
        "sweep": [counts_json(counts_at(scored, value)) for value in SWEEP_THRESHOLDS],
        "false_positives": [error_json(entry) for entry in counts.false_positives],
        "false_negatives": [error_json(entry) for entry in counts.false_negatives],
        "brandless": {
            "size": len(brandless),
            **counts_json(counts_at(brandless, DEFAULT_THRESHOLD)),
        },
    }


def heldout(scorer: Scorer) -> dict[str, Any]:
    """Return the held-out figures now, per brand and the misses, with the recorded before."""
    scored = score_labelled(read_labelled(HELDOUT), scorer.score)
    counts = counts_at(scored, DEFAULT_THRESHOLD)
    before = json.loads(HELDOUT_BEFORE.read_text(encoding="utf-8"))
    return {
        "set": str(HELDOUT.relative_to(ROOT)),
        "now": {"size": len(scored), **counts_json(counts)},
        "before": before["headline"],
        "sweep": [counts_json(counts_at(scored, value)) for value in SWEEP_THRESHOLDS],
        "per_brand": per_brand_recall(scored, DEFAULT_THRESHOLD),
        "false_positives": [error_json(entry) for entry in counts.false_positives],
        "false_negatives": [error_json(entry) for entry in counts.false_negatives],
    }


def heldout_markdown(data: dict[str, Any]) -> list[str]:
    held = data["heldout"]
    lines = [
        "",
        "## Held-out set",
        "",
        f"Set: `{held['set']}`, {held['now']['size']} names: "
        f"{held['now']['tp'] + held['now']['fn']} fakes from other public lists (the hostsVN "
        "threat list, a hagezi block request) and "
        f"{held['now']['fp'] + held['now']['tn']} hard legit names (group sites and "
        "subsidiaries, unrelated names holding a brand's letters, government sites). Built "
        "before any rule was changed for it; the before row is the record of that scorer.",
        "",
        "| scorer | precision | recall | F1 | TP | FP | FN | TN |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for title, row in (("before (recorded)", held["before"]), ("now", held["now"])):
        lines.append(
            f"| {title} | {pct(row['precision'])} | {pct(row['recall'])} | {pct(row['f1'])} "
            f"| {row['tp']} | {row['fp']} | {row['fn']} | {row['tn']} |"
        )
    lines += ["", "Recall per brand now (fakes caught / fakes):", ""]
    lines.append(", ".join(f"{k} {v['caught']}/{v['fakes']}" for k, v in held["per_brand"].items()))
    lines += _error_lines(held)
    return lines


def _error_lines(data: dict[str, Any]) -> list[str]:
    lines: list[str] = []
    for title, key in (
        ("False positives", "false_positives"),
        ("False negatives", "false_negatives"),
    ):
        lines += ["", f"{title} ({len(data[key])}):", ""]
        for entry in data[key]:
            why = entry["refused"] and f"refused: {entry['refused']}"
            reasons = ", ".join(entry["reasons"]) or "no reason"
            why = why or f"{entry['score']} → {entry['brand'] or 'no brand'}: {reasons}"
            lines.append(f"- `{entry['name']}` ({entry['labelled_brand'] or 'no brand'}): {why}")
    return lines


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def markdown(data: dict[str, Any]) -> str:
    head = data["headline"]
    lines = [
        "# Lookalike scorer: precision and recall on real reported fakes",
        "",
        f"Command: `.venv/bin/python {data['command']}` on Python {data['python']}, "
        f"{data['date']}. Brands: {data['brands']} (brands-vn.csv + brands-extra.csv).",
        "",
        f"Set: `{data['set']}`, {head['size']} names: {head['tp'] + head['fn']} fakes "
        f"({data['sources'].get('press and official', 0)} from {data['press_sources']} press "
        f"and official warnings, {data['sources'].get('community blacklist', 0)} from the "
        f"ChongLuaDao community blacklist) and {head['fp'] + head['tn']} legit names. "
        "Where each row comes from: `data/evaluation/README.md`.",
        "",
        f"**At the default threshold {head['threshold']}: precision {pct(head['precision'])}, "
        f"recall {pct(head['recall'])}, F1 {pct(head['f1'])}** "
        f"(TP {head['tp']}, FP {head['fp']}, FN {head['fn']}, TN {head['tn']}). "
        "Target: recall ≥ 90 % at precision ≥ 95 %.",
        "",
        "| fakes from | precision | recall | F1 | TP | FN |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for kind, row in data["by_source"].items():
        lines.append(
            f"| {kind} | {pct(row['precision'])} | {pct(row['recall'])} | {pct(row['f1'])} "
            f"| {row['tp']} | {row['fn']} |"
        )
    lines += ["", "Sweep:", "", "| threshold | precision | recall | F1 | TP | FP | FN | TN |"]
    lines.append("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row in data["sweep"]:
        lines.append(
            f"| {row['threshold']} | {pct(row['precision'])} | {pct(row['recall'])} "
            f"| {pct(row['f1'])} | {row['tp']} | {row['fp']} | {row['fn']} | {row['tn']} |"
        )
    lines += ["", "Recall per brand (fakes caught / fakes):", ""]
    lines.append(", ".join(f"{k} {v['caught']}/{v['fakes']}" for k, v in data["per_brand"].items()))
    lines += _error_lines(data)
    brandless = data["brandless"]
    lines += [
        "",
        f"Brandless reported fakes (`lookalike-brandless.csv`, {brandless['size']} names whose "
        f"host carries no brand): recall {pct(brandless['recall'])} — out of reach of name "
        "scoring by design; they need content, reputation or blocklist feeds.",
    ]
    lines += heldout_markdown(data)
    return "\n".join(lines) + "\n"


def main() -> None:
    data = report()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lookalike-evaluation.json").write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    (RESULTS / "lookalike-evaluation.md").write_text(markdown(data), encoding="utf-8")
    print(markdown(data))


if __name__ == "__main__":
    main()
