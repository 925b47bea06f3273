"""The benchmark's Shadowserver generator: deterministic, and in the real header layout.

No timings here (the machines are shared); the benchmark itself is ``bench/ingest.py``.
"""

from __future__ import annotations

import csv
import importlib.util
import ipaddress
import json
import re
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
# The repository's own copies of Shadowserver's published files (identical to shared/formats).
SCHEMAS = {
    "shadowserver-reports.json": REPO / "tests/engines/feeds/fixtures/shadowserver/reports.json",
    "shadowserver-intelmq-mapping.json": REPO
    / "src/cleannet/engines/feeds/formats/data/shadowserver-intelmq.json",
}


def _load_generator() -> ModuleType:
    """Import bench/shadowserver_sample.py (bench/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "shadowserver_sample", REPO / "bench" / "shadowserver_sample.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


sample = _load_generator()


def _schema(name: str) -> dict:
    return json.loads(SCHEMAS[name].read_text(encoding="utf-8"))


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = sample.generate(tmp_path / "a", rows=3000, seed=7)
    second = sample.generate(tmp_path / "b", rows=3000, seed=7)
    other = sample.generate(tmp_path / "c", rows=3000, seed=8)

    assert first.csv.read_bytes() == second.csv.read_bytes()
    assert first.ipasn.read_bytes() == second.ipasn.read_bytes()
    assert first.csv.read_bytes() != other.csv.read_bytes()


def test_header_is_the_published_event4_sinkhole_field_list() -> None:
    published = _schema("shadowserver-reports.json")["event4_sinkhole"]["fields"]

    assert list(sample.EVENT4_SINKHOLE_HEADER) == published


def test_every_column_is_one_the_intelmq_mapping_knows() -> None:
    mapping = _schema("shadowserver-intelmq-mapping.json")
    (report,) = [
        r for k, r in mapping.items() if k != "_meta" and r["file_name"] == "event4_sinkhole"
    ]
    mapped = {rule[1] for rule in report["required_fields"] + report["optional_fields"]}

    assert set(sample.EVENT4_SINKHOLE_HEADER) == mapped


def test_file_name_header_and_quoting_are_shadowservers(tmp_path: Path) -> None:
    files = sample.generate(tmp_path, rows=500, seed=1)
    lines = files.csv.read_text().splitlines()

    assert files.csv.name == "2026-03-04-event4_sinkhole-bench500s1-asn.csv"
    assert lines[0] == ",".join(f'"{name}"' for name in sample.EVENT4_SINKHOLE_HEADER)
    # Strings quoted, numbers bare (src_port, src_asn), an empty value as nothing.
    row = re.compile(r'"2026-03-04 \d\d:\d\d:\d\d","(tcp|udp)","[\d.]+",\d+,(\d+)?,"VN",')
    assert all(row.match(line) for line in lines[1:60] if '",,' not in line[:40])
    assert any(",,,," in line for line in lines[1:])
    assert len(lines) == 501


def test_rows_parse_and_repeat_devices_with_a_few_awkward(tmp_path: Path) -> None:
    files = sample.generate(tmp_path, rows=20_000, seed=3)
    with files.csv.open(newline="") as handle:
        rows = list(csv.DictReader(handle))

    assert len(rows) == 20_000
    assert all(len(row) == len(sample.EVENT4_SINKHOLE_HEADER) for row in rows)
    assert {row["src_geo"] for row in rows} == {"VN"}
    assert len({row["src_ip"] for row in rows}) < len(rows) / 10  # devices beacon many times
    assert {"mirai", "mozi", "emotet", "qakbot"} <= {row["infection"] for row in rows}
    assert 40 <= files.awkward <= 160  # about 0.5 %
    assert any(row["src_ip"] == "" for row in rows)


def test_prefix_table_is_ipasn_and_agrees_with_src_asn(tmp_path: Path) -> None:
    files = sample.generate(tmp_path, rows=2000, seed=5)
    entries = [
        line.split("\t")
        for line in files.ipasn.read_text().splitlines()
        if not line.startswith(";")
    ]
    table = [(ipaddress.IPv4Network(prefix), int(asn)) for prefix, asn in entries]
    with files.csv.open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["src_asn"])

    best = max(
        (net.prefixlen, asn) for net, asn in table if ipaddress.ip_address(row["src_ip"]) in net
    )
    assert best[1] == int(row["src_asn"])
