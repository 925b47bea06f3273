"""Leaks benchmark: import hashes, range look-ups in process, the range API over HTTP.

The issue's targets: range look-ups at 50,000/s or more in one process, and 3,000 HTTP
requests/s or more with a p99 under 25 ms through the application on this 2-core machine
(a bare Django view answers about 4,700/s here; nginx serving static range files about
55,000/s); the import of 100 million hashes reports rows/s and peak memory.

What it does:

1. generates (once; kept under ``var/bench/leaks``) ``--hashes`` random SHA-1 hashes with
   counts, and a ``HASH:COUNT`` text file of the first ``--text-rows`` (``bench/leaks_data.py``);
2. builds the store from the hashes with the engine's ``StoreBuilder`` and imports the text
   with ``import_file(hashed=True)``, each in a fresh process (rows/s, peak RSS);
3. times ``--lookups`` random range look-ups on the store in one process;
4. exports the static range files (``export_ranges``);
5. serves the application (``cleannet serve``: waitress in one process, and gunicorn with
   ``--processes`` workers), a bare Django view and nginx on loopback,
   and measures each with wrk for ``--http-seconds`` at each of ``--connections``;
6. writes ``bench/results/leaks.json`` and ``bench/results/leaks.md``.

wrk and nginx come from Debian's packages: the script runs ``apt-get install -y wrk
nginx-light`` itself when they are missing and it runs as root (else it says so).

Usage: ``.venv/bin/python bench/leaks.py`` (the full run: 100 million hashes) or
``.venv/bin/python bench/leaks.py --hashes 1000000`` (a quick run).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))  # the helpers beside this file (bench/ is not a package)

import ingest_report  # noqa: E402
import leaks_data  # noqa: E402
import leaks_http  # noqa: E402
import leaks_report  # noqa: E402

ROOT = BENCH.parent
WORK = ROOT / "var" / "bench" / "leaks"
RESULTS = BENCH / "results"


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hashes", type=int, default=100_000_000, help="hashes in the store")
    parser.add_argument(
        "--text-rows", type=int, default=10_000_000, help="rows imported as text (0 = skip)"
    )
    parser.add_argument("--lookups", type=int, default=200_000, help="in-process look-ups")
    parser.add_argument("--seed", type=int, default=1, help="generator seed")
    parser.add_argument("--http-seconds", type=int, default=15, help="wrk duration per run")
    parser.add_argument("--connections", default="8,32", help="wrk connection counts")
    parser.add_argument("--threads", type=int, default=8, help="waitress threads (as serve)")
    parser.add_argument(
        "--processes", type=int, default=2, help="gunicorn workers for `serve --processes`"
    )
    parser.add_argument(
        "--process-threads", type=int, default=4, help="threads per gunicorn worker"
    )
    parser.add_argument("--nginx-workers", type=int, default=2, help="nginx worker processes")
    parser.add_argument("--skip-export", action="store_true", help="no static files, no nginx")
    parser.add_argument("--skip-http", action="store_true", help="leave out the HTTP runs")
    parser.add_argument("--work", type=Path, default=WORK, help="where input and stores live")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where results go")
    return parser.parse_args(argv)


def say(message: str) -> None:
    """Progress to stderr, at once (the full run takes many minutes)."""
    print(message, file=sys.stderr, flush=True)


def child_stage(stage: str, *args: Path | str | int) -> dict[str, Any]:
    """Run one stage of ``bench/leaks_stage.py`` in a fresh interpreter; return its figures."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        command = [sys.executable, str(BENCH / "leaks_stage.py"), stage, str(result)]
        done = subprocess.run([*command, *map(str, args)], check=False, cwd=ROOT)  # noqa: S603
        figures = json.loads(result.read_text()) if result.is_file() else {}
    if done.returncode != 0:
        figures["error"] = f"exit status {done.returncode}"
    return figures


def measure_imports(data: leaks_data.Input, stores: Path) -> dict[str, Any]:
    """Build the store from the records and import the text; return both stages' figures."""
    stores.mkdir(parents=True, exist_ok=True)
    store = stores / f"{leaks_data.stem(data.rows, data.seed)}.store"
    say(f"build: {data.rows:,} hashes through StoreBuilder")
    built = leaks_report.add_rates(child_stage("build", data.records, store))
    say(f"build: {built.get('rows_per_s', 0):,} rows/s, peak {built.get('peak_rss_mib')} MiB")
    imported = None
    if data.text is not None:
        scratch = stores / "text-import.store"
        say(f"import: {data.text_rows:,} text rows through import_file(hashed=True)")
        imported = leaks_report.add_rates(child_stage("import", data.text, scratch))
        scratch.unlink(missing_ok=True)
        say(
            f"import: {imported.get('rows_per_s', 0):,} rows/s, "
            f"peak {imported.get('peak_rss_mib')} MiB"
        )
    return {"store": store, "build": built, "import": imported}


def measure_http(args: argparse.Namespace, store: Path, ranges: Path | None) -> dict[str, Any]:
    """Serve the app, the bare view and nginx in turn; return wrk's figures per server."""
    leaks_http.ensure_tools(say)
    site = args.work / "site"
    shutil.rmtree(site, ignore_errors=True)
    leaks_http.prepare_site(site, store)
    counts = [int(c) for c in args.connections.split(",")]
    servers = {
        "app": lambda port: leaks_http.app_server(site, port, args.threads),
        "app_processes": lambda port: leaks_http.app_server(
            site, port, args.process_threads, args.processes
        ),
        "bare": lambda port: leaks_http.bare_server(port, args.threads, args.work / "bare.log"),
    }
    if ranges is not None:
        work = args.work / "nginx"
        servers["nginx"] = lambda port: leaks_http.nginx_server(
            ranges, work, port, args.nginx_workers
        )
    measured: dict[str, Any] = {}
    for name, server in servers.items():
        port = leaks_http.free_port()
        with server(port):
            leaks_http.run_wrk(port, 3, counts[0])  # warm-up, not kept
            runs = [leaks_http.run_wrk(port, args.http_seconds, c) for c in counts]
            if name.startswith("app"):
                runs.append(leaks_http.run_wrk(port, args.http_seconds, counts[0], padding=True))
        for run in runs:
            run["server"] = name
            say(
                f"http {name} c={run['connections']}: {run['requests_per_s']:,.0f} req/s, "
                f"p99 {run.get('p99_ms')} ms"
            )
        measured[name] = runs
    return measured


def run(args: argparse.Namespace, argv: list[str]) -> dict[str, Any]:
    """Run every stage the options ask for; return the results."""
    started, load = time.monotonic(), [round(x, 2) for x in os.getloadavg()]
    data = leaks_data.generate(args.work, args.hashes, args.seed, args.text_rows)
    source = leaks_report.source_state(ROOT)
    imports = measure_imports(data, args.work / "stores")
    store = imports["store"]
    say(f"lookups: {args.lookups:,} random prefixes")
    lookups = child_stage("lookups", store, args.lookups, args.seed)
    ranges = None
    export: dict[str, Any] | None = None
    if not args.skip_export:
        ranges = args.work / f"ranges-{data.rows}"
        shutil.rmtree(ranges, ignore_errors=True)
        say(f"export: static range files into {ranges}")
        export = child_stage("export", store, ranges)
    http: dict[str, Any] = {}
    if not args.skip_http:
        try:
            http = measure_http(args, store, ranges)
        except (RuntimeError, subprocess.CalledProcessError, OSError) as error:
            say(f"http: not measured: {error}")
            http = {"error": str(error)}
    results = {
        "command": shlex.join([".venv/bin/python", "bench/leaks.py", *argv]),
        "machine": ingest_report.machine() | {"load_average_at_start": load},
        "input": {
            "records": str(data.records.relative_to(ROOT))
            if data.records.is_relative_to(ROOT)
            else str(data.records),
            "rows": data.rows,
            "seed": data.seed,
            "text_rows": data.text_rows,
            "awkward": data.awkward,
        },
        "source": source,
        "build": imports["build"],
        "import": imports["import"],
        "lookups": None if "error" in lookups else lookups,
        "export": export,
        "http": http,
    }
    source["changed_during_run"] = leaks_report.source_state(ROOT) != source
    results["targets"] = leaks_report.judge(results)
    results["total_seconds"] = round(time.monotonic() - started, 1)
    return results


def main(argv: list[str]) -> int:
    """Run the benchmark and write ``leaks.json`` and ``leaks.md`` under ``--results``."""
    args = parse_args(argv)
    results = run(args, argv)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "leaks.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.results / "leaks.md").write_text(leaks_report.render(results))
    say(f"wrote {args.results / 'leaks.md'} and leaks.json")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
