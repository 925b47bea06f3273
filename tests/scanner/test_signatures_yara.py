"""YARA rules through yara-x: externals, bad rules, the on-disk cache, bundles, pickling."""

from __future__ import annotations

import pickle
from pathlib import Path

from cleannet.scanner.engine import scan_bytes
from cleannet.scanner.signatures import SignatureSet

RULES = """
rule Test_Marker {
  meta: score = 60 description = "marker"
  strings: $a = "cleannet-marker"
  condition: $a
}
rule Test_Ext : ext { condition: extension == ".ps1" and filename contains "dropper" }
rule Test_Md5 { condition: md5 == "%s" }
"""


def write_rules(folder: Path, text: str, name: str = "test.yar") -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text)
    return folder


def test_rules_using_loki_externals_compile_and_see_the_file(tmp_path: Path) -> None:
    import hashlib

    data = b"hello"
    md5 = hashlib.md5(data, usedforsecurity=False).hexdigest()
    sigs = SignatureSet.load([write_rules(tmp_path / "s", RULES % md5)])
    assert sigs.problems == []
    assert sigs.counts()["yara_rules"] == 3
    assert "md5" in sigs.needed_hashes
    names = {d.detection for d in scan_bytes(data, "/home/a/dropper.ps1", sigs)}
    assert names == {"Test_Ext", "Test_Md5"}
    found = scan_bytes(b"x cleannet-marker x", "/a/b.txt", sigs)
    assert [(d.detection, d.score, d.description) for d in found] == [("Test_Marker", 60, "marker")]


def test_a_broken_file_is_reported_and_the_other_files_still_load(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "s", "rule ok { condition: true }\n", "good.yar")
    write_rules(folder, "rule broken {\n  condition: \n}\n", "bad.yar")
    write_rules(folder, 'import "magic"\nrule m { condition: magic.mime_type() == "x" }\n', "m.yar")
    sigs = SignatureSet.load([folder])
    assert sigs.counts()["yara_rules"] == 1
    assert any(p.source.endswith("bad.yar") and p.line == 3 for p in sigs.problems), sigs.problems
    assert [d.detection for d in scan_bytes(b"anything", "x", sigs)] == ["ok"]


def test_two_files_may_use_the_same_rule_name(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "s", "rule same { condition: true }\n", "a.yar")
    write_rules(folder, "rule same { condition: true }\n", "b.yar")
    sigs = SignatureSet.load([folder])
    assert sigs.problems == []
    assert len(scan_bytes(b"x", "x", sigs)) == 2


def test_compiled_rules_are_cached_by_the_content_of_the_sources(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "s", "rule one { condition: true }\n")
    cache = tmp_path / "cache"
    first = SignatureSet.load([folder], cache_dir=cache)
    cached = sorted(p.name for p in cache.iterdir())
    assert len(cached) == 2 and cached[1].endswith(".yarc")
    second = SignatureSet.load([folder], cache_dir=cache)
    assert second.yara.key == first.yara.key
    assert [d.detection for d in scan_bytes(b"x", "x", second)] == ["one"]
    write_rules(folder, "rule two { condition: true }\n")
    third = SignatureSet.load([folder], cache_dir=cache)
    assert [d.detection for d in scan_bytes(b"x", "x", third)] == ["two"]


def test_a_damaged_cache_entry_is_compiled_again(tmp_path: Path) -> None:
    folder = write_rules(tmp_path / "s", "rule one { condition: true }\n")
    cache = tmp_path / "cache"
    SignatureSet.load([folder], cache_dir=cache)
    for entry in cache.glob("*.yarc"):
        entry.write_bytes(b"garbage")
    again = SignatureSet.load([folder], cache_dir=cache)
    assert [d.detection for d in scan_bytes(b"x", "x", again)] == ["one"]


def test_a_bundle_payload_loads_by_file_name_and_keeps_its_version(eicar_bytes: bytes) -> None:
    import hashlib

    payload = {
        "manifest.json": b"{}",
        "iocs/hash-iocs.txt": f"{hashlib.sha256(eicar_bytes).hexdigest()};EICAR\n".encode(),
        "yara/t.yar": b"rule t { condition: filesize == 68 }",
        "iocs/c2-iocs.txt": b"# C2\nevil.example\n",
    }
    sigs = SignatureSet.from_bundle_payload(payload, version="2026.1.2")
    assert sigs.version == "2026.1.2"
    assert sigs.counts() | {} == {
        "hashes": 1,
        "allowed_hashes": 0,
        "filename_iocs": 0,
        "c2_iocs": 1,
        "yara_rules": 1,
        "problems": 0,
    }
    assert sigs.c2.match_name("x.evil.example") == ("C2", 100)
    assert {d.detection for d in scan_bytes(eicar_bytes, "e", sigs)} == {"EICAR", "t"}


def test_a_signature_set_survives_pickling_for_worker_processes(tmp_path: Path) -> None:
    sigs = SignatureSet.load([write_rules(tmp_path / "s", "rule one { condition: true }\n")])
    scan_bytes(b"x", "x", sigs)  # makes a scanner, which must not travel
    copy = pickle.loads(pickle.dumps(sigs))  # noqa: S301 — our own bytes, as the pool does
    assert [d.detection for d in scan_bytes(b"x", "x", copy)] == ["one"]
