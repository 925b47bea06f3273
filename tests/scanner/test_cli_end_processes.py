"""cleannet-scan --end-processes: a detected process ends only after a yes (or --yes).

The process is a real child: a private copy of ``sleep`` with bytes appended, so that its
SHA-256 names our process and no other ``sleep`` on the machine.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleannet.scanner.cli import main

pytestmark = pytest.mark.skipif(not shutil.which("sleep"), reason="needs a sleep program")


@pytest.fixture(autouse=True)
def private_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr("cleannet.scanner.cli_setup.DEFAULT_DATA_DIR", tmp_path / "data")


@pytest.fixture
def sleeper(tmp_path: Path) -> Path:
    copy = tmp_path / "cleannet-end-me"
    unique = f"\0cleannet-test {os.getpid()} {tmp_path}".encode()
    copy.write_bytes(Path(shutil.which("sleep") or "").read_bytes() + unique)
    copy.chmod(0o755)
    return copy


@pytest.fixture
def child(sleeper: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([str(sleeper), "120"])  # noqa: S603 (our copy of sleep)
    yield process
    process.kill()
    process.wait()


@pytest.fixture
def signatures(tmp_path: Path, sleeper: Path) -> Path:
    folder = tmp_path / "sigs"
    folder.mkdir()
    digest = hashlib.sha256(sleeper.read_bytes()).hexdigest()
    (folder / "hash-iocs.txt").write_text(f"{digest};CleanNet.Test.Sleeper\n")
    return folder


class _Terminal(io.StringIO):
    """Stands for a person at the terminal who types ``answer``."""

    def isatty(self) -> bool:
        return True


def _scan(tmp_path: Path, signatures: Path, *extra: str) -> dict:
    report = tmp_path / "report.json"
    args = ["--end-processes", "--signatures", str(signatures), "--json", str(report)]
    main([*args, "--no-progress", "--workers", "1", *extra])
    return json.loads(report.read_text())


def _ours(report: dict, pid: int) -> list[dict]:
    return [d for d in report["detections"] if d["path"] == f"pid:{pid}"]


def test_it_ends_the_detected_process_when_the_user_says_yes(
    tmp_path, signatures, child, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("y\n"))
    report = _scan(tmp_path, signatures, "--lang", "en")
    assert child.wait(timeout=10) is not None  # it was ended
    found = _ours(report, child.pid)
    assert found and {d["action"] for d in found} == {"process-ended"}
    assert f"End process {child.pid} ({tmp_path}/cleannet-end-me)? [y/N]" in capsys.readouterr().err


def test_it_keeps_the_process_when_the_user_says_no(
    tmp_path, signatures, child, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin", _Terminal("\n"))  # Enter: the default answer, no
    report = _scan(tmp_path, signatures, "--lang", "vi")
    assert child.poll() is None
    assert {d["action"] for d in _ours(report, child.pid)} == {"reported"}
    assert f"Dừng tiến trình {child.pid}" in capsys.readouterr().err


def test_without_a_terminal_it_ends_nothing_unless_told_yes(
    tmp_path, signatures, child, monkeypatch, capsys
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped input is not a person
    report = _scan(tmp_path, signatures, "--lang", "en")
    assert child.poll() is None
    assert {d["action"] for d in _ours(report, child.pid)} == {"reported"}
    assert "left running" in capsys.readouterr().err


def test_yes_ends_it_without_asking(tmp_path, signatures, child, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    report = _scan(tmp_path, signatures, "--yes")
    assert child.wait(timeout=10) is not None
    assert {d["action"] for d in _ours(report, child.pid)} == {"process-ended"}
