"""cleannet-scan end to end: exit codes, the JSON report, actions, the console script."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from cleannet.scanner.cli import main

SCRIPT = Path(sys.executable).with_name("cleannet-scan")


def zipped(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def private_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the default cache, bundle and quarantine folders out of the home folder."""
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_DATA_DIR", tmp_path / "data")


@pytest.fixture
def files(tmp_path: Path, eicar_bytes: bytes) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    (root / "clean.txt").write_text("nothing\n")
    (root / "eicar.com").write_bytes(eicar_bytes)
    (root / "eicar-ws.txt").write_bytes(eicar_bytes + b"\r\n  ")
    (root / "nested.zip").write_bytes(zipped("in.zip", zipped("eicar.com", eicar_bytes)))
    return root


def run(*args: str | Path) -> int:
    return main([str(a) for a in (*args, "--no-progress", "--workers", "1")])


def test_a_clean_folder_exits_0(tmp_path: Path, eicar_signatures: Path) -> None:
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "a.txt").write_text("fine")
    assert run(tmp_path / "c", "--signatures", eicar_signatures) == 0


def test_found_files_exit_1_and_the_json_report_follows_the_schema(
    tmp_path: Path, files: Path, eicar_signatures: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report_path = tmp_path / "report.json"
    assert run(files, "--signatures", eicar_signatures, "--json", report_path) == 1
    report = json.loads(report_path.read_text())
    assert set(report) == {
        "schema_version", "scanner_version", "bundle_version", "started_at", "exit_code",
        "totals", "signatures", "detections", "unscanned",
    }  # fmt: skip
    paths = {d["path"] for d in report["detections"]}
    assert {
        f"{files}/eicar.com",
        f"{files}/eicar-ws.txt",
        f"{files}/nested.zip!in.zip!eicar.com",
    } <= paths
    first = report["detections"][0]
    assert set(first) >= {"path", "detection", "kind", "action", "score", "sha256"}
    assert {d["action"] for d in report["detections"]} == {"reported"}
    assert report["totals"]["files"] == 6 and report["totals"]["archives"] == 2
    assert report["unscanned"] == [] and report["exit_code"] == 1
    assert "FOUND" in capsys.readouterr().out


def test_an_unreadable_path_alone_exits_2(tmp_path: Path, eicar_signatures: Path) -> None:
    report_path = tmp_path / "r.json"
    code = run(tmp_path / "missing", "--signatures", eicar_signatures, "--json", report_path)
    assert code == 2
    unscanned = json.loads(report_path.read_text())["unscanned"]
    assert unscanned == [
        {
            "path": str(tmp_path / "missing"),
            "reason": "not-found",
            "detail": "no such file or folder",
        }
    ]


def test_missing_signatures_exit_2_with_a_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run(tmp_path, "--signatures", tmp_path / "nope", "--bundle-dir", tmp_path / "b")
    assert code == 2
    assert "nope" in capsys.readouterr().err


def test_quarantine_moves_the_file_out_and_marks_the_detection(
    tmp_path: Path, files: Path, eicar_signatures: Path
) -> None:
    store = tmp_path / "q"
    report_path = tmp_path / "r.json"
    code = run(files / "eicar.com", "--signatures", eicar_signatures, "--quarantine",
               "--quarantine-dir", store, "--json", report_path)  # fmt: skip
    assert code == 1
    assert not (files / "eicar.com").exists()
    assert len(list(store.glob("*.json"))) == 1
    actions = {d["action"] for d in json.loads(report_path.read_text())["detections"]}
    assert actions == {"quarantined"}


def test_delete_with_yes_removes_the_file(files: Path, eicar_signatures: Path) -> None:
    assert run(files / "eicar.com", "--signatures", eicar_signatures, "--delete", "--yes") == 1
    assert not (files / "eicar.com").exists()
    assert (files / "clean.txt").exists()


def test_delete_without_yes_and_without_a_terminal_is_refused(
    files: Path, eicar_signatures: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(SystemExit) as stopped:
        run(files, "--signatures", eicar_signatures, "--delete")
    assert stopped.value.code == 2
    assert (files / "eicar.com").exists()


def test_the_console_script_finds_eicar_in_a_subprocess(
    tmp_path: Path, files: Path, eicar_signatures: Path
) -> None:
    result = subprocess.run(  # noqa: S603 — our own console script
        [str(SCRIPT), str(files), "--signatures", str(eicar_signatures), "--workers", "2",
         "--cache-dir", str(tmp_path / "cache"), "--json", str(tmp_path / "r.json")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    assert f"{files}/eicar.com: Eicar-Test-Signature FOUND" in result.stdout
    assert json.loads((tmp_path / "r.json").read_text())["totals"]["detections"] >= 6
