"""Judging and rendering for ``bench/leaks.py``: the targets, the source measured, the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from code_state import code_state

TARGET_LOOKUPS_PER_S = 50_000
TARGET_HTTP_PER_S = 3_000
TARGET_P99_MS = 25.0
SOURCES = ("src/cleannet/engines/leakindex", "src/cleannet/server/leaks")


def source_state(root: Path) -> dict[str, Any]:
    """Return the commit and a digest of the leak index engine and leaks app as on disk."""
    return code_state(root, "leaks", SOURCES)


def add_rates(stage: dict[str, Any]) -> dict[str, Any]:
    """Add rows/s, rows per CPU-second and peak RSS in MiB to an import stage's figures."""
    if "error" in stage:
        return stage
    stage["rows_per_s"] = round(stage["rows"] / stage["seconds"])
    stage["rows_per_cpu_s"] = round(stage["rows"] / stage["cpu_seconds"])
    stage["peak_rss_mib"] = round(stage["peak_rss_kib"] / 1024, 1)
    return stage


def _meets(run: dict[str, Any]) -> bool:
    fast = run["requests_per_s"] >= TARGET_HTTP_PER_S and run.get("p99_ms", 1e9) < TARGET_P99_MS
    return fast and run["socket_errors"] + run["non_2xx"] == 0


def judge(results: dict[str, Any]) -> dict[str, Any]:
    """Return each target with its value and whether it is met (None: not measured)."""
    lookups = results.get("lookups") or {}
    rate = lookups.get("range", {}).get("per_s")
    http = results.get("http") or {}
    app = [run for key in ("app", "app_processes") for run in http.get(key, [])]
    app = [run for run in app if not run["padding"]]
    best = max(app, key=lambda run: (_meets(run), run["requests_per_s"]), default=None)
    return {
        "lookups_per_s": {
            "value": rate,
            "target": TARGET_LOOKUPS_PER_S,
            "met": None if rate is None else rate >= TARGET_LOOKUPS_PER_S,
        },
        "http": {
            "value": None if best is None else best["requests_per_s"],
            "p99_ms": None if best is None else best.get("p99_ms"),
            "connections": None if best is None else best["connections"],
            "server": None if best is None else best.get("server", "app"),
            "target": f">= {TARGET_HTTP_PER_S} req/s with p99 < {TARGET_P99_MS:g} ms",
            "met": None if best is None else _meets(best),
        },
    }


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "**not met**", None: "not measured"}[met]


def _import_row(name: str, stage: dict[str, Any] | None) -> str:
    if not stage:
        return f"| {name} | not run | | | | | |"
    if "error" in stage:
        return f"| {name} | not measured: {stage['error']} | | | | | |"
    return (
        f"| {name} | {stage['rows']:,} | {stage['seconds']:.1f} | {stage['rows_per_s']:,} | "
        f"{stage['rows_per_cpu_s']:,} | {stage['peak_rss_mib']:,} MiB | {stage['records']:,} |"
    )


def _lookup_rows(lookups: dict[str, Any]) -> list[str]:
    names = {
        "range_records": "`store.range_records(prefix)` (the records, a slice of the map)",
        "range": "`store.range(prefix)` (suffixes as hex text, counts)",
        "range_rendered": "… + `render_range` (the API's body)",
        "range_rendered_padded": "… + `render_range` with padding (800–1,000 lines)",
    }
    rows = ["| operation | lookups | seconds | lookups/s |", "|---|---:|---:|---:|"]
    for key, name in names.items():
        figures = lookups.get(key)
        if figures is None:
            continue
        rows.append(
            f"| {name} | {figures['lookups']:,} | {figures['seconds']:.2f} | {figures['per_s']:,} |"
        )
    return rows


def _http_rows(http: dict[str, Any]) -> list[str]:
    names = {
        "app": "CleanNet `/range/` (`cleannet serve`, waitress, 1 process)",
        "app_processes": "CleanNet `/range/` (`cleannet serve --processes`, gunicorn)",
        "bare": "bare Django view, same waitress settings",
        "nginx": "nginx, exported static range files",
    }
    rows = [
        "| server | connections | padding | requests/s | p50 ms | p90 ms | p99 ms | errors |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for key, name in names.items():
        for run in http.get(key, []):
            errors = run["socket_errors"] + run["non_2xx"]
            rows.append(
                f"| {name} | {run['connections']} | {'yes' if run['padding'] else 'no'} | "
                f"{run['requests_per_s']:,.0f} | {run.get('p50_ms', '')} | "
                f"{run.get('p90_ms', '')} | {run.get('p99_ms', '')} | {errors} |"
            )
    return rows


def _header(results: dict[str, Any]) -> list[str]:
    machine, source, data = results["machine"], results["source"], results["input"]
    state = "with uncommitted changes" if source["leaks_uncommitted"] else "as committed"
    return [
        "# Leaks benchmark: importing hashes, range look-ups, the range API over HTTP",
        "",
        f"Command: `{results['command']}`  ",
        f"Date: {machine['date']}; machine: {machine['nproc']} cores, {machine['cpu']}, "
        f"Python {machine['python']}, {machine['platform']}; load average (1, 5, 15 min) "
        f"{machine['load_average_at_start']} at the start, "
        f"{machine['load_average_at_end']} at the end; "
        f"the whole run took {results['total_seconds'] / 60:.1f} minutes.",
        "",
        f"Input: {data['rows']:,} random SHA-1 hashes with counts (seed {data['seed']}), "
        f"`{data['records']}`; the text file for `import_file` holds the first "
        f"{data['text_rows']:,} of them as `HASH:COUNT` lines plus {data['awkward']:,} "
        "awkward lines.",
        "",
        f"CleanNet measured at commit `{(source['git_head'] or '?')[:12]}`, leak index and "
        f"leaks app {state} (sha256 `{source['leaks_sha256']}`).",
    ]


def render(results: dict[str, Any]) -> str:
    """Return the Markdown page for ``results``."""
    targets = results["targets"]
    lookups, http = results.get("lookups"), results.get("http") or {}
    lines = [*_header(results), "", "## Against the targets", ""]
    rate = targets["lookups_per_s"]
    lines.append(
        f"- In-process range look-ups: {rate['value'] or 0:,}/s; target ≥ {rate['target']:,}: "
        f"{_verdict(rate['met'])}."
    )
    web = targets["http"]
    if web["value"] is not None:
        lines.append(
            f"- HTTP through the application: {web['value']:,.0f} requests/s with p99 "
            f"{web['p99_ms']} ms at {web['connections']} connections ({web.get('server')}); "
            f"target {web['target']}: "
            f"{_verdict(web['met'])}."
        )
    else:
        lines.append(f"- HTTP through the application: {_verdict(None)}. {http.get('error', '')}")
    lines += [
        "",
        "## Import (one fresh process each)",
        "",
        "| path | rows | seconds | rows/s | rows/CPU-s | peak RSS | records in the store |",
        "|---|---:|---:|---:|---:|---:|---:|",
        _import_row("`StoreBuilder.add` (numpy batches, as `build_store`)", results.get("build")),
        _import_row("`import_file(hashed=True)` (`HASH:COUNT` text)", results.get("import")),
    ]
    if lookups:
        lines += ["", "## Range look-ups in one process", ""]
        lines.append(
            f"Store of {lookups['store_records']:,} hashes; a range holds "
            f"{lookups['mean_range_lines']} lines on average. Random prefixes, one thread."
        )
        lines += ["", *_lookup_rows(lookups)]
    export = results.get("export")
    if export and "error" not in export:
        lines += [
            "",
            f"Static range files: {export['files']:,} files, {export['bytes'] / 2**20:,.0f} MiB, "
            f"written in {export['seconds']:.0f} s (`export_ranges`).",
        ]
    if http.get("app") or http.get("nginx"):
        lines += [
            "",
            "## HTTP on loopback (wrk, one thread, random prefixes)",
            "",
            *_http_rows(http),
            "",
            BUSY_NOTE,
        ]
    lines += ["", *METHOD]
    return "\n".join(lines) + "\n"


BUSY_NOTE = (
    "The issue measured a bare Django view at about 4,700 requests/s and nginx at about "
    "55,000/s on a quiet machine of this kind: the bare view's rate above says how busy the "
    "machine was, and the application's rate is best read as a share of it."
)

METHOD = [
    "## How it was measured",
    "",
    "- Input: `bench/leaks_data.py` makes the hashes with numpy (uniform random 20-byte",
    "  digests, geometric counts) once, under `var/bench/leaks/`.",
    "- Import: each path is a fresh `python bench/leaks_stage.py …` process; seconds are",
    "  wall-clock without interpreter start-up; peak RSS is the process's `ru_maxrss`. The",
    "  builder sorts chunks with numpy and merges them out of core (chunk files beside the store).",
    "- Look-ups: one process opens the memory-mapped store and asks random 5-hex prefixes",
    "  (after 10,000 warm-up look-ups that also put the pages in the page cache).",
    "- HTTP: a scratch site (its own SQLite database and var dir, `CLEANNET_DEBUG=0`) with one",
    "  breach whose SHA-1 store is the built store, served by `cleannet serve` (waitress) on",
    "  127.0.0.1; the bare Django view (`bench/leaks_bare.py`) runs under the same waitress",
    "  settings; nginx serves the files `export_ranges` wrote (`bench/leaks_http.py` holds its",
    "  configuration). wrk runs with one thread and `bench/leaks_wrk.lua` (a random upper-case",
    "  prefix per request), after a 3-second warm-up; wrk and the server share the 2 cores.",
    "- The machine is shared with other tenants: the load averages above say how busy it was.",
]
