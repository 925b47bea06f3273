"""The scanner benchmark's corpus, signatures, parsers and report, on a tiny corpus (no timings)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yara_x

BENCH = Path(__file__).resolve().parents[2] / "bench"
EICAR_SHA256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"


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


rules_module = _load("scanner_rules")
corpus_module = _load("scanner_corpus")
floor = _load("scanner_floor")
tools = _load("scanner_tools")
report = _load("scanner_report")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return corpus_module.generate(tmp_path_factory.mktemp("scanner"), 12, seed=5)


def _digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_it_decodes_the_eicar_test_string_at_run_time() -> None:
    test = corpus_module.eicar()
    assert len(test) == 68
    assert hashlib.sha256(test).hexdigest() == EICAR_SHA256


def test_no_benchmark_source_holds_the_eicar_string_as_text() -> None:
    marker = corpus_module.eicar()[-30:]
    for path in BENCH.glob("scanner*.py"):
        assert marker not in path.read_bytes(), path


def test_it_generates_the_same_corpus_from_the_same_seed(corpus: Any, tmp_path: Path) -> None:
    again = corpus_module.generate(tmp_path, 12, seed=5)
    assert _digests(again.directory) == _digests(corpus.directory)
    assert _digests(again.signatures["clamav"]) == _digests(corpus.signatures["clamav"])


def test_it_reuses_a_corpus_already_generated(corpus: Any) -> None:
    stamp = (corpus.directory.parent / "manifest.json").stat().st_mtime_ns
    again = corpus_module.generate(corpus.directory.parent.parent, 12, seed=5)
    assert (again.directory.parent / "manifest.json").stat().st_mtime_ns == stamp


def test_the_corpus_reaches_its_size_with_every_kind_of_file(corpus: Any) -> None:
    manifest = corpus.manifest
    assert manifest["bytes"] >= 12 * 2**20
    kinds = set(manifest["composition"])
    assert {"planted", "text", "binary"} <= kinds
    assert kinds & {"zip", "tar.gz"}
    on_disk = sum(p.stat().st_size for p in corpus.directory.rglob("*") if p.is_file())
    assert on_disk == manifest["bytes"]


def test_every_tool_gets_the_same_rules_and_hashes(corpus: Any) -> None:
    sigs = corpus.signatures
    rules = {(sigs[n] / "bench.yar").read_text() for n in ("cleannet", "clamav", "yara")}
    assert len(rules) == 1
    ours = floor.load_hashes(sigs["cleannet"] / "hash-iocs.txt")
    clam = {line.split(":")[0] for line in (sigs["clamav"] / "bench.hsb").read_text().split()}
    assert len(ours) == 1000
    assert set(ours) == clam
    assert EICAR_SHA256 in ours
    assert sorted(os.listdir(sigs["yara"])) == ["bench.yar"]


def test_the_rules_compile_in_yara_x_with_three_to_six_strings_each(corpus: Any) -> None:
    source = (corpus.signatures["yara"] / "bench.yar").read_text()
    compiled = yara_x.compile(source)
    assert compiled is not None
    assert source.count("\nrule ") + source.startswith("rule ") == 101
    assert "import" not in source


def test_each_generated_rule_matches_its_own_instance_and_nothing_random() -> None:
    import random

    made = rules_module.make_rules(seed=9, count=30)
    scanner = yara_x.Scanner(yara_x.compile("".join(r.source() for r in made)))
    rng = random.Random(1)
    for rule in made:
        assert 3 <= len(rule.strings) <= 6
        matched = [r.identifier for r in scanner.scan(rule.instance(rng)).matching_rules]
        assert matched == [rule.name]
    assert not scanner.scan(rng.randbytes(1 << 20)).matching_rules


def test_the_floor_finds_every_planted_item_outside_archives_and_nothing_else(
    corpus: Any,
) -> None:
    figures = floor.scan(corpus.directory, corpus.signatures["cleannet"])
    found = {path for path, _name in figures["detections"]}
    expected = {
        item["path"]
        for item in corpus.manifest["planted"]
        if any(set(way) <= {"hash", "yara"} for way in item["ways"])
    }
    assert found == expected
    assert figures["bytes"] == corpus.manifest["bytes"]


def test_it_reads_clamscan_and_yara_output(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    clam = (
        f"{corpus}/a/b.bin: OK\n"
        f"{corpus}/mail/x.zip: YARA.Bench_EICAR.UNOFFICIAL FOUND\n"
        f"{corpus}/odd: name.exe: Bench.Hash.3.UNOFFICIAL FOUND\n"
    )
    parsed = tools.parse_clamscan(clam, tmp_path / "none", corpus)
    assert parsed["detections"] == [
        ["mail/x.zip", "YARA.Bench_EICAR.UNOFFICIAL"],
        ["odd: name.exe", "Bench.Hash.3.UNOFFICIAL"],
    ]
    yara = f"Rule_1 {corpus}/p q/r.dll\n"
    assert tools.parse_yara(yara, tmp_path, corpus)["detections"] == [["p q/r.dll", "Rule_1"]]


def test_it_reads_cleannet_members_as_their_archive(tmp_path: Path) -> None:
    corpus, output = tmp_path / "c", tmp_path / "report.json"
    detection = {"path": f"{corpus}/mail/n.zip!inner.zip!eicar.com", "detection": "E"}
    output.write_text(json.dumps({"detections": [detection | {"kind": "hash"}], "unscanned": []}))
    parsed = tools.parse_cleannet("", output, corpus)
    assert parsed["detections"][0][:2] == ["mail/n.zip", "E"]
    assert tools.parse_cleannet("", tmp_path / "missing.json", corpus)["failed"]


def _stage(finds: list[str], detections: list[list[str]], wall: float) -> dict[str, Any]:
    run = {"wall_seconds": wall, "cpu_seconds": wall, "peak_rss_mib": 30.0, "exit_status": 1}
    return {"title": "t", "finds": finds, "runs": [run | {"detections": detections}]}


def test_it_judges_rates_and_names_each_missed_item_and_false_positive() -> None:
    planted = [
        {"path": "a.zip", "what": "EICAR in a zip", "ways": [["archive", "yara"]]},
        {"path": "b.exe", "what": "hash IOC", "ways": [["hash"]]},
    ]
    stages = {
        "clamscan": _stage(["archive", "hash", "yara"], [["a.zip", "x"], ["b.exe", "y"]], 10.0),
        "yara": _stage(["yara"], [["c.txt", "z"]], 2.0),
        "cleannet_w1": _stage(["archive", "hash", "yara"], [["a.zip", "x"]], 1.0),
    }
    for stage in stages.values():
        report.summarise(stage, 100 * 2**20)
    results = {"stages": stages, "agreement": report.agreement(planted, stages)}
    targets = report.judge(results)
    assert targets["ratio_to_clamscan"]["value"] == 10.0
    assert targets["ratio_to_clamscan"]["met"] is True
    assert targets["one_process_mib_s"]["met"] is False  # 100 MiB/s
    assert targets["finds_every_planted_item"]["missed"] == ["b.exe"]
    assert results["agreement"]["yara"]["items"] == {"a.zip": "n/a", "b.exe": "n/a"}
    assert results["agreement"]["yara"]["false_positives"] == [["c.txt", "z"]]


def test_a_tiny_run_writes_the_page_and_the_json(corpus: Any, tmp_path: Path) -> None:
    bench = _load("scanner")
    skip = "clamscan,yara,yara_p1,cleannet_engine,cleannet_w1,cleannet_w2"
    work = corpus.directory.parent.parent
    argv = ["--megabytes", "12", "--seed", "5", "--repeat", "1", "--skip", skip]
    assert bench.main([*argv, "--work", str(work), "--results", str(tmp_path)]) == 0
    results = json.loads((tmp_path / "scanner.json").read_text())
    assert list(results["stages"]) == ["floor"]
    assert results["agreement"]["floor"]["missed"] == []
    assert results["targets"]["one_process_mib_s"]["met"] is None  # CleanNet not run
    page = (tmp_path / "scanner.md").read_text()
    assert "## Against the targets" in page
    assert "| `downloads/eicar.com` | EICAR | ✓ |" in page
