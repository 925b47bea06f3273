"""Matching benchmark: DNS records × domain and IP indicators × leases, DuckDB beside the rest.

The issue's targets, on this 2-core machine with DuckDB: at least 5M log records/s for the
DNS suffix match read from Parquet, within 3× of the time DuckDB needs just to scan the same
file, at least 20× a straightforward Python dict/set loop, peak memory under 4 GiB.

What it does, side by side in one run:

1. generates (once per set of sizes; kept under ``var/bench/matching``) the records as
   LOG_RECORD Parquet and as a CSV log, the indicators and the leases
   (``bench/matching_data.py``, ``bench/matching_world.py``);
2. runs each stage in a fresh process (``bench/matching_stage.py``), sampling the memory of
   its whole process tree: DuckDB's plain scans of the Parquet file (its name column alone,
   and every column); the DNS suffix match alone
   (the DuckDB engine's matching plans: records → matched records with their indicators); the
   DuckDB engine's whole job from Parquet (match, attribution, findings); DuckDB's scan of the
   CSV and the match from CSV (the log reader's conversion, then the engine) on the first
   ``--csv-records`` records; the Python loop (``bench/matching_python.py``: the whole job,
   and the match alone) on the first ``--python-records`` records and the DuckDB engine on the
   same records (their counts must
   agree); the Spark engine (``local[threads]``) on the first ``--spark-records`` records and
   DuckDB on the same records (their counts must agree);
3. runs ``cleannet match`` itself on the generated indicator and lease CSVs and the Parquet
   records, as an operator would (``--skip-cli`` leaves it out);
4. writes ``bench/results/matching.json`` and ``bench/results/matching.md``.

Usage: ``.venv/bin/python bench/matching.py [--records 50000000] [--python-records 2000000]
[--spark-records 5000000] [--csv-records 10000000] [--skip-spark] [--skip-csv] [--skip-cli]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import matching_data  # noqa: E402
import matching_report  # noqa: E402
from matching_world import Sizes  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "matching"
RESULTS = BENCH / "results"
SAMPLE_EVERY_S = 0.2


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options (the defaults are the issue's full run)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    defaults = Sizes()
    for name in (
        "records",
        "names",
        "clients",
        "domain_indicators",
        "ip_indicators",
        "leases",
        "seed",
    ):
        flag = "--" + name.replace("_", "-")
        parser.add_argument(
            flag,
            type=int,
            default=getattr(defaults, name),
            help=f"default {getattr(defaults, name):,}",
        )
    parser.add_argument(
        "--python-records", type=int, default=2_000_000, help="records the Python loop matches"
    )
    parser.add_argument(
        "--spark-records", type=int, default=5_000_000, help="records Spark matches"
    )
    parser.add_argument(
        "--csv-records", type=int, default=10_000_000, help="records matched from CSV (0 = all)"
    )
    parser.add_argument("--memory-limit", default="3GB", help="the engines' memory limit")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--skip-spark", action="store_true")
    parser.add_argument("--skip-csv", action="store_true")
    parser.add_argument("--skip-cli", action="store_true", help="leave out `cleannet match`")
    parser.add_argument(
        "--reuse", default="", help="roles (spark,cli,…) whose figures come from the last run"
    )
    parser.add_argument("--results", type=Path, default=RESULTS, help="where the results go")
    parser.add_argument("--work", type=Path, default=WORK, help="where the input is generated")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once (a full run takes many minutes)."""
    print(message, file=sys.stderr, flush=True)


def sizes_of(args: argparse.Namespace) -> Sizes:
    return Sizes(
        args.records,
        args.names,
        args.clients,
        args.domain_indicators,
        args.ip_indicators,
        args.leases,
        args.seed,
    )


def first_records(data: matching_data.BenchData, count: int, csv: bool = False) -> Path:
    """Return a file of the first ``count`` records (the whole file when it has no more)."""
    if count <= 0 or count >= data.sizes.records:
        return data.records_csv if csv else data.records
    if csv:
        return matching_data.first_csv_lines(data.records_csv, count)
    return matching_data.first_parquet_rows(data.records, count)


def tree_rss_kib(root: int) -> int:
    """Return the resident memory of ``root`` and all its descendants (KiB; 0 if gone)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    family, total = {root}, 0
    for pid in sorted(parents):  # children have larger ids, except after wrap-around
        if parents[pid] in family:
            family.add(pid)
    for pid in family:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next(
            (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0
        )
    return total


def run_child(command: list[str], stdout: Path | None = None) -> tuple[int, int, float]:
    """Run ``command`` (its stdout into ``stdout`` when given); return its exit status, its
    process tree's sampled peak RSS (KiB) and its CPU seconds (with its children's)."""
    with open(stdout or os.devnull, "wb") as out:
        process = subprocess.Popen(command, stdout=out if stdout else None)  # noqa: S603
        peak = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                process.returncode = os.waitstatus_to_exitcode(status)
                return process.returncode, peak, usage.ru_utime + usage.ru_stime
            peak = max(peak, tree_rss_kib(process.pid))
            time.sleep(SAMPLE_EVERY_S)


def stage(
    args: argparse.Namespace,
    data: matching_data.BenchData,
    name: str,
    records: Path,
    engine: str = "duckdb",
) -> dict[str, Any]:
    """Run one stage in a fresh process; return its figures (or the error)."""
    label = f"{name} ({engine})" if name in ("engine", "csv") else name
    say(f"{label}: {records.name} …")
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        result = Path(tmp) / "result.json"
        command = [
            sys.executable,
            str(BENCH / "matching_stage.py"),
            name,
            str(data.directory),
            str(records),
            str(result),
            "--engine",
            engine,
            "--memory-limit",
            args.memory_limit,
            "--threads",
            str(args.threads),
            "--work",
            tmp,
        ]
        status, tree_peak, _ = run_child(command)
        figures = json.loads(result.read_text()) if result.is_file() else {}
    figures.update(
        stage=name,
        engine=engine,
        input=records.name,
        tree_peak_rss_kib=tree_peak,
    )
    if status != 0:
        figures["error"] = f"exit status {status}"
    matching_report.add_rates(figures)
    say(f"{label}: {matching_report.one_line(figures)}")
    return figures


def cli_stage(args: argparse.Namespace, data: matching_data.BenchData) -> dict[str, Any]:
    """Run ``cleannet match`` on the generated files as an operator would (indicator and lease
    CSVs, the Parquet records); return its wall time, memory and JSON counts."""
    command = [str(Path(sys.executable).parent / "cleannet"), "match", "--logs",
               str(data.records), "--log-format", "parquet", "--indicators",
               str(data.indicators_csv), "--leases", str(data.leases_csv), "--lease-format",
               "csv", "--memory-limit", args.memory_limit, "--threads", str(args.threads),
               "--json"]  # fmt: skip
    say("cleannet match: the generated CSV indicators and leases, the Parquet records …")
    with tempfile.TemporaryDirectory(dir=args.work) as tmp:
        out, answer = Path(tmp) / "findings.parquet", Path(tmp) / "answer.json"
        started = time.perf_counter()
        status, peak, cpu = run_child([*command, "--out", str(out)], stdout=answer)
        seconds = time.perf_counter() - started
        lines = answer.read_text().splitlines() if answer.is_file() else []
    figures: dict[str, Any] = {
        "stage": "cli", "input": data.records.name, "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3), "tree_peak_rss_kib": peak,
        "command": shlex.join(["cleannet", *command[1:], "--out", "findings.parquet"]),
    }  # fmt: skip
    if status != 0 or not lines:
        figures["error"] = f"exit status {status}"
    else:
        answered = json.loads(lines[-1])
        figures["records"] = answered["records"]
        figures["counts"] = {"records_matched": answered["matched"], **answered}
    matching_report.add_rates(figures)
    say(f"cleannet match: {matching_report.one_line(figures)}")
    return figures


def planned_stages(
    args: argparse.Namespace, data: matching_data.BenchData
) -> dict[str, Callable[[], dict[str, Any]]]:
    """Return the stages the options ask for, by role, each ready to run."""
    python_input = first_records(data, args.python_records)
    plan: dict[str, Callable[[], dict[str, Any]]] = {
        "scan": lambda: stage(args, data, "scan", data.records),
        "scan_file": lambda: stage(args, data, "scan-file", data.records),
        "match": lambda: stage(args, data, "match", data.records),
        "duckdb": lambda: stage(args, data, "engine", data.records),
        "python": lambda: stage(args, data, "python", python_input),
        "python_match": lambda: stage(args, data, "python-match", python_input),
        "duckdb_python_input": lambda: stage(args, data, "engine", python_input),
    }
    if not args.skip_csv:
        csv_input = first_records(data, args.csv_records, csv=True)
        plan["scan_csv"] = lambda: stage(args, data, "scan-csv", csv_input)
        plan["csv"] = lambda: stage(args, data, "csv", csv_input)
    if not args.skip_spark:
        spark_input = first_records(data, args.spark_records)
        plan["spark"] = lambda: stage(args, data, "engine", spark_input, engine="spark")
        plan["duckdb_spark_input"] = lambda: stage(args, data, "engine", spark_input)
    if not args.skip_cli:
        plan["cli"] = lambda: cli_stage(args, data)
    return plan


def reusable_stages(args: argparse.Namespace, data: matching_data.BenchData) -> dict[str, Any]:
    """Return the figures of the ``--reuse`` roles from the last results on the same input."""
    roles = [role for role in args.reuse.split(",") if role]
    last = args.results / "matching.json"
    if not roles or not last.is_file():
        return {}
    previous = json.loads(last.read_text())
    if previous["input"]["directory"] != matching_report.describe_input(data, ROOT)["directory"]:
        say("--reuse: the last results are of another input; measuring every stage")
        return {}
    date = previous["machine"]["date"]
    return {
        role: previous["stages"][role] | {"reused_from": date}
        for role in roles
        if role in previous["stages"]
    }


def run_stages(args: argparse.Namespace, data: matching_data.BenchData) -> dict[str, Any]:
    """Run (or, with ``--reuse``, take from the last run) every stage; return them by role."""
    reused = reusable_stages(args, data)
    stages = {}
    for role, run in planned_stages(args, data).items():
        if role in reused:
            say(f"{role}: figures of the run of {reused[role]['reused_from']}")
            matching_report.add_rates(reused[role])
        stages[role] = reused[role] if role in reused else run()
    return stages


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``matching.{json,md}`` into the results folder."""
    args = parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    sizes = sizes_of(args)
    say(f"input: {args.work / sizes.stem()} (generated unless kept from an earlier run)")
    kept = (args.work / sizes.stem() / "meta.json").is_file()
    data = matching_data.generate(args.work, sizes)
    generated = None if kept else round(time.perf_counter() - started, 1)
    source = matching_report.source_state(ROOT)
    stages = run_stages(args, data)
    results = {
        "command": shlex.join([".venv/bin/python", "bench/matching.py", *argv]),
        "machine": matching_report.machine() | {"load_average_at_start": load_at_start},
        "input": matching_report.describe_input(data, ROOT) | {"generate_seconds": generated},
        "source": source,
        "stages": stages,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    results["targets"] = matching_report.judge(stages, cores=args.threads)
    source["changed_during_run"] = matching_report.source_state(ROOT) != source
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "matching.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "matching.md").write_text(matching_report.render(results))
    say(f"wrote {args.results / 'matching.md'} and matching.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
