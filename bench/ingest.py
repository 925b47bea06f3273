"""Ingestion benchmark: Shadowserver sinkhole rows through CleanNet and through IntelMQ.

The issue's targets: at least 100,000 rows/s on one core for parse + attribute (IntelMQ's
Shadowserver parser does about 1,050 events/s on this class of machine), and a peak memory
under 1 GiB for a 1 GB input (streamed in batches).

What it does:

1. generates (once; kept under ``var/bench/ingest``) a deterministic ``event4_sinkhole``
   report of ``--rows`` rows and its prefix table (``bench/shadowserver_sample.py``);
2. runs each CleanNet stage ``--repeats`` times, each run in a fresh process pinned to one
   core (``bench/ingest_cleannet.py``): parse; + attribute; + aggregate, on the columnar path
   ``cleannet ingest`` takes and on the row-by-row plan; the whole ingest service into SQLite
   and into PostgreSQL (``--skip-store`` to leave those out);
3. runs IntelMQ 3.x's own Shadowserver parser bot on the first ``--intelmq-rows`` rows of
   the same file, in its own virtualenv (``bench/ingest_intelmq.py``; ``--skip-intelmq``);
4. checks peak memory on a file of ``--memory-gib`` GiB (the deepest stage without storing);
5. writes ``bench/results/ingest.json`` and ``bench/results/ingest.md``.

Rates are input rows per second (accepted + refused rows; about 0.5 % are refused on
purpose), from the median wall-clock time of the runs; CPU-time rates are given beside them
because the machine is shared and wall time also counts the other tenants.

Usage: ``.venv/bin/python bench/ingest.py [--rows 1000000] [--intelmq-rows 20000]
[--skip-store] [--skip-intelmq]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import ingest_cleannet  # noqa: E402
import ingest_intelmq  # noqa: E402
import ingest_report  # noqa: E402
import shadowserver_sample  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "ingest"
RESULTS = BENCH / "results"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the report")
    parser.add_argument("--intelmq-rows", type=int, default=20_000, help="rows IntelMQ parses")
    parser.add_argument("--repeats", type=int, default=3, help="runs per measurement (median)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--memory-gib", type=float, default=1.0, help="memory check input; 0=off")
    parser.add_argument("--intelmq-chunk-bytes", type=int, default=0, help="0 = one report")
    parser.add_argument("--skip-store", action="store_true", help="leave out the ingest stages")
    parser.add_argument("--skip-intelmq", action="store_true", help="leave out IntelMQ")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once (runs take minutes)."""
    print(message, file=sys.stderr, flush=True)


def sample(rows: int, seed: int) -> shadowserver_sample.SampleFiles:
    """Return the report of ``rows`` rows, generating it unless it is there already."""
    stem = shadowserver_sample.file_stem(rows, seed)
    csv_path, ipasn = WORK / f"{stem}.csv", WORK / f"{stem}.ipasn"
    if csv_path.is_file() and ipasn.is_file() and csv_path.with_suffix(".json").is_file():
        say(f"input: {csv_path.relative_to(ROOT)} (kept from an earlier run)")
        return shadowserver_sample.describe(csv_path, ipasn, rows, seed)
    say(f"input: generating {rows:,} rows into {csv_path.relative_to(ROOT)}")
    return shadowserver_sample.generate(WORK, rows, seed)


def child_run(stage: str, files: shadowserver_sample.SampleFiles) -> dict[str, Any]:
    """Run one CleanNet stage once in a fresh interpreter; return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        script = BENCH / "ingest_cleannet.py"
        command = [sys.executable, str(script), stage, str(files.csv), str(files.ipasn)]
        done = subprocess.run([*command, str(result)], check=False)  # noqa: S603
        figures = json.loads(result.read_text()) if result.is_file() else {}
    if done.returncode != 0:
        figures.setdefault("error", f"exit status {done.returncode}")
    return figures


def measure_stage(stage: str, files: shadowserver_sample.SampleFiles, repeats: int) -> dict:
    """Run ``stage`` ``repeats`` times; return the median figures (or the error)."""
    runs = []
    for i in range(repeats):
        figures = child_run(stage, files)
        if "error" in figures:
            say(f"cleannet {stage}: not measured: {figures['error']}")
            return {"stage": stage, "rows": files.rows, "error": figures["error"]}
        runs.append(figures)
        rate = files.rows / figures["seconds"]
        say(f"cleannet {stage} {i + 1}/{repeats}: {figures['seconds']:.2f} s, {rate:,.0f} rows/s")
    return summarise(stage, files.rows, runs)


def summarise(stage: str, rows: int, runs: list[dict]) -> dict[str, Any]:
    """Return the medians of ``runs`` (times), their peak memory, and every run."""
    seconds = statistics.median(run["seconds"] for run in runs)
    cpu = statistics.median(run["cpu_seconds"] for run in runs)
    return {
        "stage": stage,
        "rows": rows,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "rows_per_s": round(rows / seconds),
        "rows_per_cpu_s": round(rows / cpu),
        "peak_rss_mib": round(max(run["peak_rss_kib"] for run in runs) / 1024, 1),
        "preempted": round(statistics.median(run.get("preempted", 0) for run in runs)),
        "counts": runs[0].get("counts", {}),
        "runs": runs,
    }


def measure_intelmq(args: argparse.Namespace, files: shadowserver_sample.SampleFiles) -> dict:
    """Set up IntelMQ (first run only) and time its parser ``repeats`` times."""
    python = ingest_intelmq.setup(log=say)
    log = WORK / "intelmq.log"
    log.unlink(missing_ok=True)
    runs = []
    for i in range(args.repeats):
        figures = ingest_intelmq.measure(
            python, files.csv, args.intelmq_rows, args.intelmq_chunk_bytes, log
        )
        runs.append(figures)
        rate = figures["rows"] / figures["parse_s"]
        say(f"intelmq parse {i + 1}/{args.repeats}: {figures['parse_s']:.2f} s, {rate:,.0f} rows/s")
    return ingest_report.intelmq_summary(runs, log.relative_to(ROOT))


def memory_check(
    gib: float, base: shadowserver_sample.SampleFiles, stages: list[dict]
) -> dict | None:
    """Run the deepest measured non-store stage once on a ``gib`` GiB input; None if off.

    The input is the same generator with more rows (same seed), sized from ``base``'s
    bytes per row.
    """
    done = [s["stage"] for s in stages if "error" not in s and not s["stage"].startswith("ingest")]
    if gib <= 0 or not done:
        return None
    per_row = base.csv.stat().st_size / base.rows
    files = sample(int(gib * 2**30 / per_row) + 1, base.seed)
    stage = done[-1]
    say(f"memory check: {stage} on {files.csv.stat().st_size / 2**30:.2f} GiB")
    figures = child_run(stage, files)
    if "error" in figures:
        return {"stage": stage, "error": figures["error"]}
    result = summarise(stage, files.rows, [figures])
    result["input_bytes"] = files.csv.stat().st_size
    return result


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``bench/results/ingest.{json,md}``."""
    args = parse_args(argv)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    files = sample(args.rows, args.seed)
    source = ingest_report.source_state(ROOT)
    stages = [s for s in ingest_cleannet.STAGES if not (args.skip_store and "ingest" in s)]
    measured = [measure_stage(stage, files, args.repeats) for stage in stages]
    intelmq = None if args.skip_intelmq else measure_intelmq(args, files)
    results = {
        "command": shlex.join([".venv/bin/python", "bench/ingest.py", *argv]),
        "machine": ingest_report.machine() | {"load_average_at_start": load_at_start},
        "input": ingest_report.describe_input(files, ROOT),
        "source": source,
        "cleannet": measured,
        "memory": memory_check(args.memory_gib, files, measured),
        "intelmq": intelmq,
    }
    results["comparison"] = ingest_report.compare(measured, intelmq)
    # Other engineers edit the engine while it is measured: say so if it changed mid-run.
    source["changed_during_run"] = ingest_report.source_state(ROOT) != source
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "ingest.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / "ingest.md").write_text(ingest_report.render(results))
    say(f"wrote {(RESULTS / 'ingest.md').relative_to(ROOT)} and ingest.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
