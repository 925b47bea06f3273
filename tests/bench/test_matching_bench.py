"""The matching benchmark's generator, baseline and report, on a tiny run (no timings here)."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from cleannet.core.indicators import normalise_domain
from cleannet.engines.matching import INDICATOR, LEASE, LOG_RECORD

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is scripts, not a package; its helpers import each other)."""
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


world = _load("matching_world")
data = _load("matching_data")
baseline = _load("matching_python")
report = _load("matching_report")
bench = _load("matching")

TINY = world.Sizes(
    records=30_000,
    names=4000,
    clients=2000,
    domain_indicators=3000,
    ip_indicators=500,
    leases=2100,
    seed=5,
)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    return data.generate(tmp_path_factory.mktemp("matching"), TINY)


def test_it_writes_every_table_in_the_contract_schema(generated) -> None:
    assert pq.read_schema(generated.records).equals(LOG_RECORD)
    assert pq.read_schema(generated.indicators).equals(INDICATOR)
    assert pq.read_schema(generated.leases).equals(LEASE)
    assert pq.ParquetFile(generated.records).metadata.num_rows == 30_000
    assert pq.ParquetFile(generated.leases).metadata.num_rows == 2100
    assert pq.ParquetFile(generated.indicators).metadata.num_rows == 3500


def test_the_same_sizes_give_the_same_bytes(tmp_path: Path, generated) -> None:
    again = data.generate(tmp_path, TINY)
    other = data.generate(tmp_path, world.Sizes(**{**vars(TINY), "seed": 6}))

    assert again.records_csv.read_bytes() == generated.records_csv.read_bytes()
    assert again.leases_csv.read_bytes() == generated.leases_csv.read_bytes()
    assert other.records_csv.read_bytes() != generated.records_csv.read_bytes()


def test_names_are_normalised_and_records_time_ordered(generated) -> None:
    records = pq.read_table(generated.records)
    names = set(records.column("qname").to_pylist())

    assert all(normalise_domain(name) == name for name in names)
    ts = pc.cast(records.column("ts"), pa.int64()).to_numpy()
    assert (ts[1:] >= ts[:-1]).all()
    assert records.column("evidence")[0].as_py() == "dns.csv:2"
    assert len(set(records.column("client_ip").to_pylist())) > 1000
    assert any(":" in ip for ip in records.column("client_ip").to_pylist())  # IPv6 clients


def test_indicators_have_awkward_forms_and_windows_inside_the_day(generated) -> None:
    indicators = pq.read_table(generated.indicators)
    domains = indicators.filter(pc.field("kind") == "domain")
    written = domains.column("indicator").to_pylist()
    values = domains.column("value").to_pylist()

    assert any(not text.isascii() for text in written)  # IDN as written
    assert any(text.endswith(".") and text.isupper() for text in written)
    assert all(normalise_domain(text) == value for text, value in zip(written, values, strict=True))
    assert {"ip", "cidr", "domain"} == set(indicators.column("kind").to_pylist())
    until = indicators.column("valid_until")
    day_end = world.DAY_START + world.dt.timedelta(days=1)
    inside = pc.and_(pc.greater(until, world.DAY_START), pc.less(until, day_end))
    assert pc.sum(inside).as_py() > 100


def test_the_csv_files_carry_the_same_rows(generated) -> None:
    with generated.records_csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    records = pq.read_table(generated.records)
    with generated.indicators_csv.open(newline="", encoding="utf-8") as handle:
        indicator_rows = list(csv.DictReader(handle))

    assert len(rows) == 30_000
    assert rows[0]["query"] == records.column("qname")[0].as_py()
    assert rows[0]["time"].endswith("Z")
    assert json.loads(generated.mapping.read_text()) == {
        "ts": "time",
        "client_ip": "client",
        "qname": "query",
    }
    assert len(indicator_rows) == 3500 + len(data.REFUSED_INDICATOR_LINES)
    assert indicator_rows[-4]["value"] == "com.vn"


def test_a_share_of_lookups_hit_indicators_and_the_python_loop_counts_them(generated) -> None:
    figures = baseline.run(generated.records, generated.indicators, generated.leases)
    counts = figures["counts"]

    assert 0.005 * 30_000 < counts["records_matched"] < 0.1 * 30_000
    assert 0 < counts["unattributed"] < counts["records_matched"]
    assert counts["finding_records"] + counts["unattributed"] == counts["records_matched"]
    assert counts["daily_records"] == counts["finding_records"]
    alone = baseline.run(
        generated.records, generated.indicators, generated.leases, attribute=False
    )["counts"]
    assert alone["records_matched"] <= alone["matches"] == counts["records_matched"]


def test_the_loop_matches_parents_but_not_look_alikes(tmp_path: Path) -> None:
    index = {"evil.example": [("EVIL.example.", "mirai", 0, 100)]}

    assert baseline._indicators_hit("a.b.evil.example", 5, index) == [("EVIL.example.", "mirai")]
    assert baseline._indicators_hit("xevil.example", 5, index) == []
    assert baseline._indicators_hit("evil.example.net", 5, index) == []
    assert baseline._indicators_hit("evil.example", 100, index) == []  # until is exclusive


def test_a_subset_file_holds_the_first_records(generated) -> None:
    subset = data.first_parquet_rows(generated.records, 1000)
    lines = data.first_csv_lines(generated.records_csv, 1000)

    assert pq.read_table(subset).equals(pq.read_table(generated.records).slice(0, 1000))
    assert len(lines.read_text().splitlines()) == 1001


def _stage(seconds: float, records: int, **extra) -> dict:
    figures = {
        "records": records,
        "seconds": seconds,
        "cpu_seconds": seconds * 1.5,
        "input": "dns.parquet",
        "tree_peak_rss_kib": 1024 * 500,
        "self_peak_rss_kib": 1024 * 400,
        **extra,
    }
    report.add_rates(figures)
    return figures


def test_the_report_judges_each_target_and_renders_the_page(generated) -> None:
    counts = {
        "records_matched": 5,
        "findings": 2,
        "finding_records": 4,
        "unattributed": 1,
        "daily_counts": 1,
        "daily_records": 4,
        "records_read": 100,
    }
    stages = {
        "scan": _stage(0.5, 10_000_000),
        "scan_file": _stage(1.0, 10_000_000),
        "match": _stage(1.5, 10_000_000, counts={"records_matched": 5, "matches": 6}),
        "duckdb": _stage(2.0, 10_000_000, counts=counts),
        "python": _stage(
            9.0, 1_000_000, loop_seconds=4.0, loop_cpu_seconds=5.0, index_seconds=5.0, counts=counts
        ),
        "python_match": _stage(
            8.0,
            1_000_000,
            loop_seconds=3.0,
            loop_cpu_seconds=4.0,
            index_seconds=5.0,
            counts={"records_matched": 5, "matches": 6},
        ),
        "duckdb_python_input": _stage(0.5, 1_000_000, counts=counts),
        "spark": _stage(20.0, 1_000_000, engine="spark", counts=counts | {"findings": 3}),
        "duckdb_spark_input": _stage(0.5, 1_000_000, counts=counts),
    }
    targets = report.judge(stages)
    job, match = targets["job"], targets["match"]

    assert job["records_per_s"] == {"value": 5_000_000, "target": 5_000_000, "met": True}
    assert job["times_scan"]["value"] == 2.0 and job["times_scan"]["met"]
    assert job["times_python"]["value"] == 20.0 and job["times_python"]["met"]
    # From CPU time (1.5 CPU-seconds per second here): two idle cores, the loop on one.
    assert job["records_per_s_cpu"]["value"] == 2 * round(10_000_000 / 3.0)
    assert job["times_scan_cpu"]["value"] == 2.0
    assert job["times_python_cpu"]["value"] == round(6_666_666 / 200_000, 1)
    # The match alone is judged apart, against the same scan and loop.
    assert match["records_per_s"]["value"] == round(10_000_000 / 1.5)
    assert match["times_scan"] == {"value": 1.5, "target": 3.0, "met": True}
    # The match alone against the loop's match alone (1M records in 3 s), not its whole job.
    assert match["times_python"] == {"value": 20.0, "target": 20.0, "met": True}
    assert targets["python_match_agrees_with_duckdb"] is True
    # ... and against the scan of the names alone, a stricter floor reported beside it.
    assert match["times_name_scan"] == {"value": 3.0, "target": 3.0, "met": True}
    assert job["times_name_scan"] == {"value": 4.0, "target": 3.0, "met": False}
    assert targets["match_agrees_with_job"] is True
    assert stages["spark"]["records_per_cpu_s"] is None  # its JVM's CPU is not counted
    assert targets["peak_rss_mib"]["value"] == 500.0
    assert targets["python_agrees_with_duckdb"] is True
    assert targets["spark_agrees_with_duckdb"] is False
    results = {
        "command": "bench/matching.py --records 30000",
        "total_seconds": 12.5,
        "machine": report.machine() | {"load_average_at_start": [0.1, 0.2, 0.3]},
        "input": report.describe_input(generated, Path.cwd()) | {"generate_seconds": 1.0},
        "source": {
            "git_head": "0123456789ab",
            "matching_sha256": "f",
            "matching_uncommitted": True,
        },
        "stages": stages,
        "targets": targets,
    }
    page = report.render(results)

    assert "Whole job from Parquet: 5,000,000 records/s; target ≥ 5,000,000: met" in page
    assert "DNS suffix match alone from Parquet: 6,666,667 records/s" in page
    assert "5 matched, 6 matches (no attribution)" in page
    assert "scan of the same file (every column): 2.0× its time; target ≤ 3×: met" in page
    assert "scan of the name column alone: 4.0× (in CPU time 4.0×); ≤ 3×: **not met**" in page
    assert "Spark and DuckDB **disagree**" in page
    assert (
        "| Python dict/set loop, whole job | `dns.parquet` | 1,000,000 | 4.00 | 250,000 |" in page
    )
    assert "the loop's match alone and DuckDB agree on the matched records" in page
    assert "30,000 DNS records" in page


def test_a_failed_stage_is_reported_not_measured() -> None:
    failed = {"records": 0, "input": "dns.parquet", "error": "exit status 1"}
    report.add_rates(failed)

    targets = report.judge({"duckdb": failed})
    assert targets["job"]["records_per_s"]["met"] is None
    assert targets["match"]["records_per_s"]["met"] is None
    assert "not measured: exit status 1" in report.outcome(failed)


def test_the_options_default_to_the_issues_full_run() -> None:
    args = bench.parse_args([])
    quick = bench.parse_args(["--records", "2000000"])

    assert bench.sizes_of(args) == world.Sizes()
    assert (args.records, args.domain_indicators, args.ip_indicators, args.leases) == (
        50_000_000,
        1_000_000,
        200_000,
        1_000_000,
    )
    assert bench.sizes_of(quick).records == 2_000_000


def test_a_child_is_measured_with_its_whole_process_tree(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    # A child that holds ~60 MiB in a grandchild: the tree's peak must include it.
    grandchild = "b = bytearray(60 * 2**20); import time; time.sleep(1.0)"
    run = f"subprocess.run([sys.executable, '-c', {grandchild!r}])"
    code = f"import subprocess, sys; {run}; print('done')"
    status, peak_kib, cpu = bench.run_child([sys.executable, "-c", code], stdout=out)

    assert status == 0
    assert out.read_text() == "done\n"
    assert peak_kib > 60 * 1024
    assert cpu > 0


def test_it_reuses_the_last_runs_figures_of_the_stages_named(tmp_path: Path, generated) -> None:
    last = {
        "machine": {"date": "2026-11-30T07:00:00+00:00"},
        "input": report.describe_input(generated, bench.ROOT),
        "stages": {"spark": {"records": 10, "seconds": 2.0, "cpu_seconds": 1.0, "input": "x"}},
    }
    (tmp_path / "matching.json").write_text(json.dumps(last))
    args = bench.parse_args(["--reuse", "spark,cli", "--results", str(tmp_path)])
    other = bench.parse_args(["--reuse", "spark", "--results", str(tmp_path / "none")])

    reused = bench.reusable_stages(args, generated)
    assert list(reused) == ["spark"]
    assert reused["spark"]["reused_from"] == "2026-11-30T07:00:00+00:00"
    assert bench.reusable_stages(other, generated) == {}
