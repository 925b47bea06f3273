"""The Markdown page of the campaigns benchmark's results (``bench/campaigns.py``)."""

from __future__ import annotations

from typing import Any

__all__ = ["render"]


def _n(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int | float) else "—"


def _verdict(target: dict[str, Any]) -> str:
    if not target["pages_timed"]:
        return "not judged: no page answered 200"
    if target["met"]:
        return "met"
    return f"NOT met ({', '.join(target['slow'])})"


def render(results: dict[str, Any]) -> str:
    """The Markdown page of ``results``."""
    m, scale, sim, target = (results["machine"], results["scale"], results["simulation"],
                             results["target"])  # fmt: skip
    source = results["source"]
    lines = [
        "# Campaigns benchmark: a simulated national campaign and its pages", "",
        f"Command: `{results['command']}`  ",
        f"Date: {m['date']}; machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}; "
        f"load average {m['load_average_at_start']} at the start, {m['load_average_at_end']} "
        f"at the end; the whole run took {results['total_seconds']} s.", "",
        f"Database: {results['database']}. Campaigns code at commit "
        f"`{(source.get('git_head') or '')[:12]}` (sha256 `{source['campaigns_sha256']}`"
        f"{', with uncommitted changes' if source['campaigns_uncommitted'] else ''}).", "",
        f"Scale: {_n(scale['addresses'])} infected addresses at the start, {scale['isps']} ISPs, "
        f"{scale['families']} families, {scale['days']} days (seed {scale['seed']}); campaign "
        f"`{results['campaign']}`.", "",
        "## Against the target", "",
        f"- Every page under {target['seconds']:g} s (max of {scale['requests']} requests after "
        f"a warm-up): {_verdict(target)}; {target['pages_timed']} pages timed.",
    ]  # fmt: skip
    if target["not_answering"]:
        lines.append(f"- Not answering 200 (not timed against the target): "
                     f"{', '.join(target['not_answering'])}.")  # fmt: skip
    lines += [
        "", "## Simulation", "",
        f"- `simulate_campaign`: {_n(sim['seconds'])} s in all, of which the population model "
        f"takes {_n(sim['model_seconds'])} s (timed alone before).",
        f"- Wrote {_n(sim['snapshots'])} snapshot rows, {_n(sim['baselines'])} baselines, "
        f"{_n(sim['node_notice_counts'])} node notice counts and {_n(sim['node_daily_counts'])} "
        f"node daily counts for {sim['participants']} ISPs and {sim['families']} families.",
        "", "## Pages", "",
        "| page | as | status | bytes | median ms | p95 ms | max ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for page in results["pages"]:
        lines.append(
            f"| {page['page']} (`{page['url']}`) | {page['role']} | {page['status']} | "
            f"{_n(page['bytes'])} | {_n(page['median_ms'])} | {_n(page['p95_ms'])} | "
            f"{_n(page['max_ms'])} |"
        )
    lines += ["", "## `campaign_progress` (what every dashboard builds on)", "",
              "| view | days | ISPs | families | median ms | p95 ms | max ms |",
              "|---|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for row in results["progress"]:
        lines.append(
            f"| {row['view']} | {row['days']} | {row['isps']} | {row['families']} | "
            f"{_n(row['median_ms'])} | {_n(row['p95_ms'])} | {_n(row['max_ms'])} |"
        )
    return "\n".join([*lines, ""])
