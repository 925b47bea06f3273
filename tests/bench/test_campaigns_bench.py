"""The campaigns benchmark's logic on a tiny run: statistics, judging, the pages timed as
the right roles and the report (no timings asserted)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str, file: str) -> ModuleType:
    """Import bench/<file>.py (bench/ is scripts, not a package; its helpers import each other)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{file}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _load("bench_campaigns", "campaigns")
report = _load("campaigns_report", "campaigns_report")


def test_it_summarises_times_as_median_p95_and_max_in_milliseconds() -> None:
    times = [i / 1000 for i in range(1, 21)]  # 1 … 20 ms

    summary = bench.summarise(times)

    assert summary == {"requests": 20, "median_ms": 10.5, "p95_ms": 19.0, "max_ms": 20.0}
    assert bench.summarise([0.003, 0.001, 0.002])["median_ms"] == 2.0
    assert bench.summarise([])["median_ms"] is None


def test_it_judges_only_the_pages_that_answered() -> None:
    fast = {"page": "a", "status": 200, "max_ms": 120.0}
    slow = {"page": "b", "status": 200, "max_ms": 1500.0}
    missing = {"page": "c", "status": 404, "max_ms": 2.0}

    assert bench.judge([fast, missing]) | {} == {
        "seconds": 1.0, "met": True, "pages_timed": 1, "slow": [], "not_answering": ["c"],
    }  # fmt: skip
    assert bench.judge([fast, slow])["slow"] == ["b"]
    assert not bench.judge([fast, slow])["met"]
    assert not bench.judge([missing])["met"]


def test_it_times_a_call_after_a_warm_up() -> None:
    calls: list[int] = []

    def call() -> int:
        calls.append(1)
        return len(calls)

    times, answer = bench.timed(call, 3)

    assert len(times) == 3 and len(calls) == 4 and answer == 4


@pytest.mark.django_db
def test_a_tiny_run_times_every_page_as_its_reader() -> None:
    args = argparse.Namespace(days=4, addresses=150, isps=2, families=2, seed=4)

    campaign, simulated = bench.simulate(args)
    users = bench.readers(campaign)
    pages = bench.time_pages(campaign, users, requests=1)
    progress = bench.time_progress(campaign, users, requests=1)

    assert simulated["snapshots"] == 4 * 2 * 3 and simulated["participants"] == 2
    assert users["authority_analyst"].role == "authority_analyst"
    assert users["isp_operator"].organisation_id in set(
        campaign.participants.values_list("organisation_id", flat=True)
    )
    assert [p["page"] for p in pages] == [page.label for page in bench.PAGES]
    assert all(campaign.slug in p["url"] for p in pages if "{slug}" in _path(p["page"]))
    assert {p["role"] for p in pages} == {"authority_analyst", "isp_operator", "visitor"}
    assert all(p["requests"] == 1 and p["status"] in (200, 404) for p in pages)
    assert [row["view"] for row in progress] == ["national", "one ISP"]
    assert progress[0]["isps"] == 2 and progress[1]["isps"] == 1


def _path(label: str) -> str:
    return str(next(page.path for page in bench.PAGES if page.label == label))


def test_the_report_shows_the_verdict_the_simulation_and_every_page() -> None:
    page = {
        "page": "analyst dashboard",
        "role": "authority_analyst",
        "url": "/w/x/",
        "status": 200,
        "bytes": 5000,
        "median_ms": 80.0,
        "p95_ms": 95.5,
        "max_ms": 99.0,
    }
    results = {
        "command": ".venv/bin/python bench/campaigns.py",
        "machine": {"date": "2026-11-30", "nproc": 2, "cpu": "CPU", "python": "3.11",
                    "load_average_at_start": [0.1], "load_average_at_end": [0.2]},
        "database": "sqlite", "total_seconds": 100.0, "campaign": "x",
        "source": {"git_head": "abc", "campaigns_sha256": "123", "campaigns_uncommitted": False},
        "scale": {"addresses": 2_000_000, "isps": 10, "families": 20, "days": 90, "seed": 1,
                  "requests": 20},
        "simulation": {"seconds": 60.0, "model_seconds": 10.0, "snapshots": 18900,
                       "baselines": 210, "node_notice_counts": 19000, "node_daily_counts": 19400,
                       "participants": 10, "families": 20},
        "pages": [page, {**page, "page": "public list", "status": 404}],
        "progress": [{"view": "national", "days": 90, "isps": 10, "families": 20,
                      "median_ms": 30.0, "p95_ms": 35.0, "max_ms": 40.0}],
        "target": bench.judge([page, {**page, "page": "public list", "status": 404}]),
    }  # fmt: skip

    text = report.render(results)

    assert "Every page under 1 s (max of 20 requests after a warm-up): met; 1 pages timed." in text
    assert "Not answering 200 (not timed against the target): public list." in text
    assert "18,900 snapshot rows" in text and "2,000,000 infected addresses" in text
    assert (
        "| analyst dashboard (`/w/x/`) | authority_analyst | 200 | 5,000 | 80.0 | 95.5 | 99.0 |"
        in text
    )
    assert "| national | 90 | 10 | 20 | 30.0 | 35.0 | 40.0 |" in text
