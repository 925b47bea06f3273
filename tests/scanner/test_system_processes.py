"""Running processes: the executable's hash and the command line, with real processes."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cleannet.scanner.model import DetectionKind, UnscannedReason
from cleannet.scanner.signatures import SignatureSet
from cleannet.scanner.system import engine_file_scan
from cleannet.scanner.system.processes import (
    ProcessActionError,
    ProcessInfo,
    end_process,
    iter_processes,
    scan_processes,
)

pytestmark = pytest.mark.skipif(not shutil.which("sleep"), reason="needs a sleep program")


@pytest.fixture
def sleeper(tmp_path: Path) -> Path:
    """A private copy of ``sleep``, so that its hash names only our process."""
    copy = tmp_path / "cleannet-marker-sleeper"
    shutil.copy2(shutil.which("sleep") or "", copy)
    copy.write_bytes(copy.read_bytes())  # a real copy, not a hard link
    copy.chmod(0o755)
    return copy


@pytest.fixture
def running(sleeper: Path) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen([str(sleeper), "60"])  # noqa: S603 (our copy of sleep)
    yield process
    process.kill()
    process.wait()


def _sigs(sleeper: Path) -> SignatureSet:
    digest = hashlib.sha256(sleeper.read_bytes()).hexdigest()
    return SignatureSet.from_bundle_payload(
        {
            "hash-iocs.txt": f"{digest};CleanNet.Test.Sleeper\n".encode(),
            "filename-iocs.txt": b"# Marker in a command line\ncleannet-marker-sleeper 60;70\n",
        }
    )


def _only(pid: int) -> list[ProcessInfo]:
    return [info for info in iter_processes() if info.pid == pid]


def test_it_flags_a_process_whose_executable_matches_a_hash(sleeper, running) -> None:
    sigs = _sigs(sleeper)
    detections, unscanned = scan_processes(
        sigs, engine_file_scan(sigs), processes=_only(running.pid)
    )
    names = {(d.path, d.detection, d.kind) for d in detections}
    assert (f"pid:{running.pid}", "CleanNet.Test.Sleeper", DetectionKind.PROCESS) in names
    assert (f"pid:{running.pid}", "Marker in a command line", DetectionKind.PROCESS) in names
    assert unscanned == []


def test_it_reads_an_executable_deleted_while_it_runs(sleeper, running) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("/proc/<pid>/exe is Linux")
    sigs = _sigs(sleeper)
    sleeper.unlink()
    detections, _ = scan_processes(sigs, engine_file_scan(sigs), processes=_only(running.pid))
    assert "CleanNet.Test.Sleeper" in {d.detection for d in detections}


def test_it_walks_every_process_without_failing(sleeper, running) -> None:
    sigs = _sigs(sleeper)
    scanned: list[Path] = []

    def fake_scan(path: Path):
        scanned.append(path)
        return [], []

    detections, _ = scan_processes(sigs, fake_scan)
    assert sleeper in scanned
    assert {d.path for d in detections} == {f"pid:{running.pid}"}


def test_it_reports_a_process_it_may_not_read_as_unscanned(sleeper) -> None:
    denied = ProcessInfo(pid=4242, name="secret", exe=None, cmdline=(), denied="exe, cmdline")
    detections, unscanned = scan_processes(_sigs(sleeper), lambda p: ([], []), processes=[denied])
    assert detections == []
    assert [(u.path, u.reason) for u in unscanned] == [
        ("pid:4242", UnscannedReason.PERMISSION_DENIED)
    ]


def test_it_ends_a_process_only_after_confirmation(running) -> None:
    asked: list[str] = []
    assert end_process(running.pid, confirm=lambda text: asked.append(text) or False) is False
    assert running.poll() is None
    assert str(running.pid) in asked[0] and "cleannet-marker-sleeper" in asked[0]
    assert end_process(running.pid, confirm=lambda text: True) is True
    assert running.wait(timeout=10) is not None


def test_it_refuses_to_end_init_itself_or_a_reused_pid(running) -> None:
    for pid in (1, os.getpid()):
        with pytest.raises(ProcessActionError, match="refusing"):
            end_process(pid, confirm=lambda text: True)
    with pytest.raises(ProcessActionError, match="no longer runs"):
        end_process(running.pid, confirm=lambda text: True, expected_exe="/usr/bin/other")
    assert running.poll() is None
