"""The exposure benchmark's port lists, nmap parsing and a tiny run without nmap (no timings)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load(name: str) -> ModuleType:
    """Import bench/<name>.py (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _load("exposure")


def test_it_writes_exactly_the_given_ports_for_nmap() -> None:
    assert bench.port_list([7, 3, 1, 2, 9, 10]) == "1-3,7,9-10"
    command = bench.nmap_command([21000, 21001, 21005])
    assert command[:3] == ["nmap", "-sT", "-T5"]
    assert command[command.index("-p") + 1] == "21000-21001,21005"
    assert command[-1] == "127.0.0.1"


def test_it_runs_a_tiny_benchmark_and_writes_both_result_files(tmp_path: Path) -> None:
    status = bench.main(
        [
            "--open",
            "20",
            "--closed",
            "10",
            "--banners",
            "10",
            "--rounds",
            "1",
            "--no-nmap",
            "--results",
            str(tmp_path),
        ]
    )
    assert status == 0
    result = json.loads((tmp_path / "exposure.json").read_text())
    assert result["ports"] == {"open": 20, "closed": 10}
    assert result["banner_services"] == {"ssh": 5, "http": 5}
    assert result["ratio"] is None
    assert "connect_scan" in (tmp_path / "exposure.md").read_text()
