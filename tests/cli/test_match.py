"""``cleannet match``: the files it writes, the summary, the JSON line, and refused arguments."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleannet.cli import app
from cleannet.engines.matching.output import read_table

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parents[1] / "engines" / "matching" / "fixtures" / "match"
UTC = dt.UTC


def at(hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 4, hour, minute, second, micro, tzinfo=UTC)


def match(*args: str, logs: tuple[str, ...] = ("dns.log",), fmt: str = "zeek-dns"):
    inputs = [arg for log in logs for arg in ("--logs", str(FIXTURES / log))]
    common = [
        "--log-format",
        fmt,
        "--indicators",
        str(FIXTURES / "indicators.csv"),
        "--leases",
        str(FIXTURES / "leases.csv"),
        "--lease-format",
        "csv",
    ]
    # Wide enough that Rich does not wrap a long path inside its error box.
    return runner.invoke(app, ["match", *inputs, *common, *args], env={"COLUMNS": "400"})


def test_it_writes_findings_daily_counts_and_unattributed_beside_the_output(tmp_path: Path) -> None:
    out = tmp_path / "findings.csv"
    result = match("--cgnat", str(FIXTURES / "cgnat.csv"), "--out", str(out))

    assert result.exit_code == 0, result.output
    findings = read_table(out).to_pylist()
    assert [(f["subscriber"], f["ip"], f["indicator"], f["count"]) for f in findings] == [
        ("alice", "10.0.0.5", "Evil.Example.", 2),
        ("bob", "10.0.0.5", "Evil.Example.", 1),
        ("carol", "2001:db8::5", "bücher.example", 1),
        ("dave", "10.0.0.9", "expired.example", 1),
        ("frank", "100.64.0.8", "Evil.Example.", 1),  # behind CGNAT: the inside address
    ]
    alice = findings[0]
    assert (alice["first_seen"], alice["last_seen"]) == (at(9), at(11, 59, 59, 999_999))
    assert (alice["family"], alice["evidence"]) == ("mirai", "dns.log:10")
    daily = read_table(tmp_path / "findings.daily-counts.csv").to_pylist()
    assert [(d["family"], d["subscribers"], d["records"]) for d in daily] == [
        ("emotet", 1, 1),
        ("lumma", 1, 1),
        ("mirai", 3, 4),
    ]
    unattributed = read_table(tmp_path / "findings.unattributed.csv").to_pylist()
    assert [(u["reason"], u["ip"], u["port"], u["candidates"]) for u in unattributed] == [
        ("overlapping leases", "10.0.0.9", 51001, "dave;erin"),
        ("no lease", "10.0.0.77", 51005, None),
        ("no lease", "203.0.113.10", 5000, None),
    ]


def test_it_ends_with_the_counts_as_one_json_line_on_stdout(tmp_path: Path) -> None:
    result = match(
        "--cgnat", str(FIXTURES / "cgnat.csv"), "--out", str(tmp_path / "f.csv"), "--json"
    )

    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        '{"records": 23, "bad": 2, "matched": 9, "findings": 5, "unattributed": 3}'
    )


def test_it_prints_a_summary_with_bad_lines_refused_indicators_and_lease_problems(
    tmp_path: Path,
) -> None:
    result = match("--out", str(tmp_path / "f.csv"))
    err = result.stderr

    assert result.exit_code == 0, result.output
    assert "Log records: 23 read, 12 used, 2 bad, 9 skipped." in err
    assert "dns.log:18: has 8 fields" in err
    assert "dns.log:20: id.orig_h '10.0.0.300'" in err
    assert "Indicators: 6 read, 4 used, 2 refused" in err
    assert "indicators.csv:6: 'com.vn' is a public suffix" in err
    assert "indicators.csv:7: '10.0.0.0/8' is shorter than /16" in err
    assert "Overlapping-lease problems: 1" in err
    assert "Unattributed: 3 no lease, 1 overlapping leases" in err  # no CGNAT: 203.0.113.10 twice
    assert "records/s" in err
    assert f"Wrote {tmp_path / 'f.unattributed.csv'}" in err
    assert result.stdout == ""


@pytest.mark.parametrize("extension", [".jsonl", ".parquet"])
def test_it_writes_the_format_its_output_extension_names(tmp_path: Path, extension: str) -> None:
    out = tmp_path / f"findings{extension}"
    result = match("--out", str(out))

    assert result.exit_code == 0, result.output
    assert read_table(out).num_rows == 4
    assert read_table(tmp_path / f"findings.daily-counts{extension}").num_rows == 3
    assert read_table(tmp_path / f"findings.unattributed{extension}").num_rows == 4
    if extension == ".jsonl":
        assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["subscriber"] == "alice"


def test_it_attributes_the_hubs_sinkhole_events_through_cgnat_and_leases(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    cgnat, events = str(FIXTURES / "cgnat.csv"), str(FIXTURES / "events.jsonl")
    result = match("--cgnat", cgnat, "--events", events, "--out", str(out))

    assert result.exit_code == 0, result.output
    events = [f for f in read_table(out).to_pylist() if f["indicator_kind"] == "event"]
    assert [(f["subscriber"], f["ip"], f["indicator"], f["evidence"]) for f in events] == [
        ("bob", "10.0.0.5", "sinkhole-bots:infected-system", "77d1b3c4"),
        ("frank", "100.64.0.8", "sinkhole-bots:infected-system", "5f2c0a9e"),
    ]
    assert "Hub events: 4 read, 2 used, 1 bad, 1 skipped." in result.stderr


def test_it_refuses_a_bind_log_without_a_zone_and_reads_it_with_one(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    refused = match("--out", str(out), logs=("query.log",), fmt="bind")
    assert refused.exit_code == 2
    assert "needs --tz" in refused.stderr
    assert not out.exists()

    result = match("--out", str(out), "--tz", "Asia/Ho_Chi_Minh", logs=("query.log",), fmt="bind")
    assert result.exit_code == 0, result.output
    (alice,) = read_table(out).to_pylist()
    assert (alice["subscriber"], alice["first_seen"]) == ("alice", at(2))  # 09:00 at UTC+7


def test_it_reads_a_csv_log_through_a_mapping_file(tmp_path: Path) -> None:
    out = tmp_path / "f.csv"
    mapping = str(FIXTURES / "lookups-mapping.toml")
    result = match(
        "--out", str(out), "--mapping", mapping, "--json", logs=("lookups.csv",), fmt="csv"
    )

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "records": 3,
        "bad": 1,
        "matched": 1,
        "findings": 1,
        "unattributed": 0,
    }
    assert "lookups.csv:4" in result.stderr


def test_it_takes_every_file_of_a_log_folder(tmp_path: Path) -> None:
    folder = tmp_path / "logs"
    folder.mkdir()
    for name in ("a.log", "b.log"):
        (folder / name).write_bytes((FIXTURES / "dns.log").read_bytes())
    (folder / ".hidden").write_text("not a log")
    result = match("--out", str(tmp_path / "f.csv"), "--json", logs=(str(folder),))

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["records"] == 46


def test_it_keeps_the_converted_inputs_only_in_a_work_dir_it_was_given(tmp_path: Path) -> None:
    work = tmp_path / "work"
    kept = match("--out", str(tmp_path / "a" / "f.csv"), "--work-dir", str(work))
    temporary = match("--out", str(tmp_path / "b" / "f.csv"))

    assert kept.exit_code == 0 and temporary.exit_code == 0
    assert {"indicators.parquet", "leases.parquet", "records"} <= {p.name for p in work.iterdir()}
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == [
        "f.csv",
        "f.daily-counts.csv",
        "f.unattributed.csv",
    ]


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--log-format", "syslog"], "zeek-dns"),  # the message lists the known formats
        (["--lease-format", "ldap"], "radius"),
        (["--engine", "presto"], "duckdb"),
        (["--out", "findings.xlsx"], ".parquet"),
        (["--tz", "Mars/Olympus"], "--tz"),
    ],
)
def test_it_refuses_a_bad_option_with_two(tmp_path: Path, args: list[str], named: str) -> None:
    options = {
        "--log-format": "zeek-dns",
        "--lease-format": "csv",
        "--out": str(tmp_path / "f.csv"),
    }
    options.update(dict(zip(args[::2], args[1::2], strict=True)))
    given = [part for pair in options.items() for part in pair]
    result = runner.invoke(
        app,
        [
            "match",
            "--logs",
            str(FIXTURES / "dns.log"),
            "--indicators",
            str(FIXTURES / "indicators.csv"),
            "--leases",
            str(FIXTURES / "leases.csv"),
            *given,
        ],
        env={"COLUMNS": "400"},
    )

    assert result.exit_code == 2
    assert named in result.stderr


def test_it_names_the_missing_file_and_exits_with_two(tmp_path: Path) -> None:
    result = match("--out", str(tmp_path / "f.csv"), logs=("dns.log", "gone.log"))

    assert result.exit_code == 2
    assert "gone.log" in result.stderr


def test_it_refuses_a_mapping_that_is_not_a_table_of_names(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"ts": 3}')
    result = match(
        "--out",
        str(tmp_path / "f.csv"),
        "--mapping",
        str(mapping),
        logs=("lookups.csv",),
        fmt="csv",
    )

    assert result.exit_code == 2
    assert "--mapping" in result.stderr


def test_the_command_never_imports_django() -> None:
    code = (
        "import sys, cleannet.cli.match; "
        "print(sorted(m for m in sys.modules if m.startswith('django')))"
    )
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603

    assert done.stdout.strip() == "[]"
