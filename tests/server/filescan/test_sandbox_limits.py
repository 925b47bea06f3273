"""The scan worker's limits are set by the kernel on the child: processor time, address
space, real time. A child that overruns one ends as an unscanned outcome naming the limit."""

from __future__ import annotations

import hashlib
import signal
import socket
import zipfile
from pathlib import Path

import pytest

from cleannet.server.filescan.sandbox import (
    SandboxLimits,
    WorkerRun,
    interpret,
    network_isolation,
    run_limited,
    scan_in_sandbox,
)
from cleannet.server.filescan.signatures import signature_source


def _script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "child.py"
    path.write_text(body)
    return [str(path)]


def test_a_child_burning_processor_time_is_stopped_by_the_cpu_limit(tmp_path):
    args = _script(tmp_path, "import sys\nsys.stdin.read()\nwhile True:\n    pass\n")
    limits = SandboxLimits(cpu_seconds=1, memory_mb=256, wall_seconds=30)
    run = run_limited(args, b"", limits)

    assert not run.timed_out
    assert run.returncode in (-signal.SIGXCPU, -signal.SIGKILL)
    outcome = interpret(run, limits)
    assert outcome.detections == []
    assert outcome.unscanned[0]["reason"] == "time-limit"
    assert "1 seconds of processor time" in outcome.unscanned[0]["detail"]


def test_a_child_that_hangs_is_killed_at_the_wall_clock_limit(tmp_path):
    args = _script(tmp_path, "import sys, time\nsys.stdin.read()\ntime.sleep(60)\n")
    limits = SandboxLimits(cpu_seconds=10, memory_mb=256, wall_seconds=0.5)
    run = run_limited(args, b"", limits)

    assert run.timed_out
    assert run.returncode == -signal.SIGKILL
    outcome = interpret(run, limits)
    assert outcome.unscanned[0]["reason"] == "time-limit"
    assert "0.5 seconds" in outcome.unscanned[0]["detail"]


def test_a_child_cannot_take_more_memory_than_allowed(tmp_path):
    body = (
        "import sys\nsys.stdin.read()\n"
        "try:\n    b = bytearray(300 * 2**20)\nexcept MemoryError:\n    print('refused')\n"
    )
    run = run_limited(_script(tmp_path, body), b"", SandboxLimits(10, 128, 30))

    assert run.returncode == 0
    assert run.stdout.strip() == b"refused"


def test_the_child_gets_none_of_the_servers_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CLEANNET_SECRET_KEY", "do-not-leak")
    body = "import os, sys\nsys.stdin.read()\nprint(sorted(os.environ))\n"
    run = run_limited(_script(tmp_path, body), b"", SandboxLimits(10, 256, 30))

    assert b"CLEANNET" not in run.stdout
    assert b"PATH" in run.stdout


def test_a_crashed_worker_is_unscanned_never_clean():
    limits = SandboxLimits(10, 256, 30)
    outcome = interpret(WorkerRun(1, b"", b"Traceback ...", timed_out=False), limits)
    assert outcome.unscanned == [
        {"path": "", "reason": "read-error", "detail": "the scan worker failed"}
    ]
    garbled = interpret(WorkerRun(0, b"{not json", b"", timed_out=False), limits)
    assert garbled.unscanned[0]["reason"] == "read-error"


def test_the_worker_reports_member_paths_relative_to_the_sample(tmp_path, eicar):
    sigs = tmp_path / "sigs"
    sigs.mkdir()
    (sigs / "hash-iocs.txt").write_text(f"{hashlib.sha256(eicar).hexdigest()};EICAR-Test-File\n")
    sample = tmp_path / "sample"
    with zipfile.ZipFile(sample, "w") as archive:
        archive.writestr("inner/eicar.com", eicar)
    outcome = scan_in_sandbox(
        sample, signature_source(sigs), SandboxLimits(20, 1024, 60), tmp_path / "cache"
    )

    assert [(d["path"], d["detection"]) for d in outcome.detections] == [
        ("!inner/eicar.com", "EICAR-Test-File")
    ]
    assert str(tmp_path) not in str(outcome.detections)


def test_the_child_has_no_network_where_namespaces_allow_it(tmp_path):
    if not network_isolation():
        pytest.skip("this system does not allow unprivileged network namespaces")
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    body = (
        "import socket, sys\nsys.stdin.read()\n"
        f"try:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "    print('connected')\nexcept OSError:\n    print('no network')\n"
    )
    with listener:
        run = run_limited(_script(tmp_path, body), b"", SandboxLimits(10, 256, 30))
    assert run.stdout.strip() == b"no network"
