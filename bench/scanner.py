"""Scanner benchmark: CleanNet's ``cleannet-scan`` beside clamscan and yara on one corpus.

The issue's targets: at least 5× clamscan's MB/s, and at least 150 MB/s in one process with
100 rules + SHA-256 (reading, SHA-256 and yara-x together — the floor — measure about 200 MB/s
on this machine class); the scaling from 1 to 2 worker processes is reported.

What it does:

1. generates (once; kept under ``var/bench/scanner``) a corpus of ``--megabytes`` MiB of mixed
   files and the equivalent signatures for each tool: 100 generated YARA rules + an EICAR rule,
   1,000 SHA-256 hash IOCs (``bench/scanner_corpus.py``, ``bench/scanner_rules.py``);
2. reads every file once (the page cache holds the corpus for every tool alike);
3. runs each stage in a fresh process, ``--repeat`` times, interleaved
   (``bench/scanner_tools.py``): ``clamscan -r --no-summary -d DB``, ``yara -r`` (its default
   threads and ``-p 1``), the floor (``bench/scanner_floor.py``: read + SHA-256 + yara-x in one
   process) and ``cleannet-scan --signatures DIR --json FILE --no-progress --workers N``;
   each command also runs once on an empty directory (its start-up cost);
4. checks which planted items (EICAR copies, hash-IOC files, rule matches; some in archives)
   each tool found, and lists detections on files that were not planted;
5. writes ``bench/results/scanner.json`` and ``bench/results/scanner.md``.

clamav and yara come from Debian's packages: the script runs ``apt-get install -y clamav
yara`` itself when they are missing and it runs as root (else that stage is skipped and the
page says so). No freshclam and no official database: clamscan reads only our signatures.

Usage: ``.venv/bin/python bench/scanner.py`` (256 MiB, 5 runs per stage: about 2 minutes) or
``.venv/bin/python bench/scanner.py --megabytes 40 --repeat 1`` (a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import ingest_report  # noqa: E402
import scanner_corpus  # noqa: E402
import scanner_report  # noqa: E402
import scanner_tools  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "scanner"
RESULTS = BENCH / "results"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=256, help="corpus size in MiB")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--repeat", type=int, default=5, help="runs per stage (best kept)")
    parser.add_argument("--workers", default="1,2", help="cleannet-scan worker counts")
    parser.add_argument("--skip", default="", help="stages to leave out, comma-separated")
    parser.add_argument("--work", type=Path, default=WORK, help="where the corpus lives")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results go")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once."""
    print(message, file=sys.stderr, flush=True)


def warm(corpus: Path) -> int:
    """Read every file once so that each tool finds the corpus in the page cache."""
    total = 0
    for folder, _dirs, names in os.walk(corpus):
        for name in names:
            total += len((Path(folder) / name).read_bytes())
    return total


def measure(args: argparse.Namespace, corpus: scanner_corpus.Corpus) -> dict[str, Any]:
    """Run every available stage ``--repeat`` times, interleaved; return their figures."""
    workers = [int(w) for w in args.workers.split(",") if w]
    skip = {s for s in args.skip.split(",") if s}
    stages = [s for s in scanner_tools.stages(corpus.signatures, workers) if s.name not in skip]
    figures: dict[str, Any] = {}
    for stage in stages:
        entry: dict[str, Any] = {"title": stage.title, "command": stage.command, "runs": []}
        entry["finds"] = sorted(stage.finds)
        if not scanner_tools.available(stage):
            entry["skipped"] = f"not installed: {stage.command[0]}"
            say(f"{stage.name}: {entry['skipped']}")
        else:
            with tempfile.TemporaryDirectory() as empty:
                # Twice: the first run may compile and cache the rules; keep the faster.
                runs = [_slim(scanner_tools.run_once(stage, Path(empty))) for _ in range(2)]
                entry["startup"] = min(runs, key=lambda r: r.get("wall_seconds", 1e9))
        figures[stage.name] = entry
    for repeat in range(args.repeat):
        for stage in stages:
            if "skipped" in figures[stage.name]:
                continue
            run = scanner_tools.run_once(stage, corpus.directory)
            figures[stage.name]["runs"].append(run)
            say(
                f"run {repeat + 1}/{args.repeat} {stage.name}: {run.get('wall_seconds')} s, "
                f"exit {run.get('exit_status')}, {len(run.get('detections', []))} detections"
                + (f" — {run['stderr_tail'][-1]}" if run.get("stderr_tail") else "")
            )
    return figures


def cpu_counters() -> tuple[float, float]:
    """Return (CPU seconds all processes used since boot, CPU seconds this process and its
    waited-for children used): their difference over the run is the other tenants' share."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = (sum(fields[:8]) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    ours = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return busy, sum(u.ru_utime + u.ru_stime for u in ours)


def _slim(run: dict[str, Any]) -> dict[str, Any]:
    return {k: run[k] for k in ("wall_seconds", "cpu_seconds", "peak_rss_mib") if k in run}


def _keep_best_only(stage: dict[str, Any]) -> None:
    """Keep detections and unscanned lists on the best run only (the JSON stays readable)."""
    for run in stage["runs"]:
        if run is not stage.get("best"):
            run["detections"] = len(run.get("detections", []))
            run.pop("unscanned", None)


def run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    """Generate, warm, measure, compare; return the results."""
    started, load = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
    busy_before, ours_before = cpu_counters()
    missing = scanner_tools.ensure_peers(say)
    if missing:
        say(f"not installed (needs root and apt-get): {', '.join(missing)}")
    say(f"corpus: {args.megabytes} MiB, seed {args.seed} (generated once under {args.work})")
    corpus = scanner_corpus.generate(args.work, args.megabytes, args.seed)
    say(f"warm-up: read {warm(corpus.directory) / 2**20:,.0f} MiB")
    source = scanner_report.source_state(ROOT)
    stages = measure(args, corpus)
    size = corpus.manifest["bytes"]
    for stage in stages.values():
        scanner_report.summarise(stage, size)
    manifest = corpus.manifest
    directory = corpus.directory
    results: dict[str, Any] = {
        "command": shlex.join([".venv/bin/python", "bench/scanner.py", *argv]),
        "machine": ingest_report.machine() | {"load_average_at_start": load},
        "versions": scanner_tools.versions(),
        "source": source,
        "corpus": {
            **{k: manifest[k] for k in ("seed", "files", "bytes", "composition", "rules")},
            "hash_iocs": manifest["hash_iocs"],
            "planted": manifest["planted"],
            "directory": str(directory.relative_to(ROOT))
            if directory.is_relative_to(ROOT)
            else str(directory),
        },
        "stages": stages,
        "agreement": scanner_report.agreement(manifest["planted"], stages),
    }
    for stage in stages.values():
        _keep_best_only(stage)
    source["changed_during_run"] = scanner_report.source_state(ROOT) != source
    results["targets"] = scanner_report.judge(results)
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.monotonic() - started, 1)
    busy_after, ours_after = cpu_counters()
    others = (busy_after - busy_before) - (ours_after - ours_before)
    results["machine"]["other_processes_cores"] = round(
        max(others, 0) / results["total_seconds"], 2
    )
    return results


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``scanner.json`` and ``scanner.md`` under ``--results``."""
    args = parse_args(argv)
    results = run(args, argv)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "scanner.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "scanner.md").write_text(scanner_report.render(results))
    say(f"wrote {args.results / 'scanner.md'} and scanner.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
