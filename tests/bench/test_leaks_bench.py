"""The leaks benchmark's generator, stages, wrk parsing and report, on a tiny run (no timings)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from cleannet.engines.leakindex import Kind, RangeStore

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


data = _load("leaks_data")
stage = _load("leaks_stage")
http = _load("leaks_http")
report = _load("leaks_report")
bench = _load("leaks")

ROWS = 50_000

WRK_OUTPUT = """\
Running 15s test @ http://127.0.0.1:40123
  1 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.41ms    1.02ms  31.20ms   91.00%
    Req/Sec     3.35k   210.00     3.70k    72.00%
  Latency Distribution
     50%    2.20ms
     75%    2.61ms
     90%    3.30ms
     99%    6.80ms
  50234 requests in 15.00s, 190.12MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   3348.93
Transfer/sec:     12.67MB
"""


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):
    return data.generate(tmp_path_factory.mktemp("leaks"), ROWS, seed=3, text_rows=30_000)


def test_the_same_seed_gives_the_same_bytes(tmp_path: Path, generated) -> None:
    again = data.generate(tmp_path / "a", ROWS, seed=3, text_rows=30_000)
    other = data.generate(tmp_path / "b", ROWS, seed=4)

    assert again.records.read_bytes() == generated.records.read_bytes()
    assert again.text.read_bytes() == generated.text.read_bytes()
    assert other.records.read_bytes() != generated.records.read_bytes()
    assert generated.records.stat().st_size == ROWS * data.RECORD.itemsize


def test_the_text_holds_the_first_records_and_awkward_lines(generated) -> None:
    lines = generated.text.read_bytes().split(b"\n")
    first = next(data.read_records(generated.records, 1))

    assert lines[0] == data.HEX[first["hash"][0]].tobytes() + b":" + str(first["count"][0]).encode()
    assert generated.awkward == 2  # one after every 20,000 rows
    assert lines[20_000] == b""  # the first awkward line: blank
    assert lines[-2].startswith(b"0123456789abcdef")  # the second: lower case
    assert len(lines) == 30_000 + 2 + 1  # the rows, the awkward lines, the final newline


def test_the_build_and_the_text_import_agree(tmp_path: Path, generated) -> None:
    built = stage.build(str(generated.records), str(tmp_path / "built.store"))
    imported = stage.import_text(str(generated.text), str(tmp_path / "text.store"))

    assert built["rows"] == built["records"] == ROWS  # random 20-byte digests never collide
    assert imported["rows"] == 30_000 + 2  # the rows and the two awkward lines
    assert (imported["bad"], imported["skipped"]) == (0, 1)  # the blank line is skipped
    assert imported["used"] == imported["records"] == 30_001
    store = RangeStore.open(tmp_path / "built.store")
    first = next(data.read_records(generated.records, 1))
    assert store.count(first["hash"][0].tobytes()) == int(first["count"][0])
    assert store.kind is Kind.PASSWORD_SHA1


def test_lookups_and_export_report_their_counts(tmp_path: Path, generated) -> None:
    store = tmp_path / "s.store"
    stage.build(str(generated.records), str(store))

    figures = stage.lookups(str(store), "2000", "1")
    assert figures["store_records"] == ROWS
    assert 0 < figures["mean_range_lines"] < 1
    assert figures["range"]["lookups"] == figures["range_rendered"]["lookups"] == 2000
    assert figures["range_rendered_padded"]["lookups"] == 100  # a twentieth
    exported = stage.export(str(store), str(tmp_path / "ranges"), "4096")
    assert exported["files"] == 4096  # the prefixes 00000 to 00FFF
    files = sorted((tmp_path / "ranges" / "password_sha1").iterdir())
    assert (files[0].name, files[-1].name) == ("00000.txt", "00FFF.txt")
    lines = sum(path.read_text().count(":") for path in files)
    assert 0 < lines < ROWS


def test_it_reads_wrks_latency_report() -> None:
    figures = http.parse_wrk(WRK_OUTPUT)

    assert figures["requests_per_s"] == 3348.93
    assert (figures["p50_ms"], figures["p99_ms"]) == (2.2, 6.8)
    assert figures["requests"] == 50234
    assert (figures["socket_errors"], figures["non_2xx"]) == (3, 4)
    assert http.parse_wrk(WRK_OUTPUT.replace("6.80ms", "1.02s"))["p99_ms"] == 1020.0


def test_the_nginx_configuration_serves_the_exported_files(tmp_path: Path) -> None:
    text = http.NGINX_CONF.format(workers=2, work=tmp_path, port=40999, root=tmp_path / "r")

    assert "listen 127.0.0.1:40999;" in text
    assert f"root {tmp_path / 'r'};" in text
    assert "try_files /password_sha1/$1.txt =404;" in text
    assert '"^/range/([0-9A-F]{5})$"' in text


def _http_run(rate: float, p99: float, connections: int, padding: bool = False) -> dict:
    return {
        "requests_per_s": rate,
        "p50_ms": 1.0,
        "p90_ms": 2.0,
        "p99_ms": p99,
        "connections": connections,
        "padding": padding,
        "socket_errors": 0,
        "non_2xx": 0,
    }


def _results(http_runs: dict) -> dict:
    results = {
        "command": ".venv/bin/python bench/leaks.py --hashes 50000",
        "total_seconds": 90.0,
        "machine": report_machine(),
        "input": {"records": "x.bin", "rows": 50_000, "seed": 3, "text_rows": 30_000, "awkward": 2},
        "source": {"git_head": "0123456789abcdef", "leaks_sha256": "ab", "leaks_uncommitted": True},
        "build": report.add_rates(
            {
                "rows": 50_000,
                "records": 50_000,
                "seconds": 0.5,
                "cpu_seconds": 0.4,
                "peak_rss_kib": 204800,
            }
        ),
        "import": {"error": "exit status 1"},
        "lookups": {
            "store_records": 50_000,
            "mean_range_lines": 0.05,
            "range": {"lookups": 1000, "seconds": 0.01, "per_s": 100_000},
            "range_rendered": {"lookups": 1000, "seconds": 0.02, "per_s": 50_000},
            "range_rendered_padded": {"lookups": 1000, "seconds": 0.5, "per_s": 2_000},
        },
        "export": {"files": 16**5, "bytes": 2**20, "seconds": 12.0},
        "http": http_runs,
    }
    results["targets"] = report.judge(results)
    return results


def report_machine() -> dict:
    return {
        "date": "2026-11-30T00:00:00+00:00",
        "nproc": 2,
        "cpu": "test CPU",
        "python": "3.11",
        "platform": "Linux",
        "load_average_at_start": [1.0, 1.0, 1.0],
        "load_average_at_end": [1.0, 1.0, 1.0],
    }


def test_the_report_judges_the_targets_on_the_best_qualifying_run() -> None:
    runs = {
        "app": [_http_run(3500, 9.0, 8), _http_run(3900, 41.0, 32), _http_run(900, 30.0, 8, True)],
        "bare": [_http_run(4700, 5.0, 8)],
        "nginx": [_http_run(40_000, 1.0, 8)],
    }
    results = _results(runs)
    targets = results["targets"]

    assert targets["lookups_per_s"] == {"value": 100_000, "target": 50_000, "met": True}
    assert targets["http"]["value"] == 3500 and targets["http"]["met"] is True
    assert targets["http"]["connections"] == 8
    page = report.render(results)
    assert "3,500 requests/s with p99 9.0 ms at 8 connections" in page
    assert (
        "| `StoreBuilder.add` (numpy batches, as `build_store`) | 50,000 | 0.5 | 100,000 |" in page
    )
    assert "not measured: exit status 1" in page
    assert "| nginx, exported static range files | 8 | no | 40,000 |" in page


def test_a_slow_server_does_not_meet_the_target() -> None:
    targets = _results({"app": [_http_run(2500, 9.0, 8), _http_run(3100, 30.0, 32)]})["targets"]

    assert targets["http"]["met"] is False
    assert _results({})["targets"]["http"]["met"] is None


def test_the_options_default_to_the_issues_full_run() -> None:
    full = bench.parse_args([])
    quick = bench.parse_args(["--hashes", "1000000"])

    assert full.hashes == 100_000_000
    assert full.connections == "8,32"
    assert quick.hashes == 1_000_000
    assert np.dtype(data.RECORD).itemsize == 24
