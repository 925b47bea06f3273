"""Run the scan worker in a child process with processor, memory and real-time limits.

The child is started blocked on reading its job from stdin; the limits are set on it from
here (``prlimit``) before the job is written, so they hold before it reads the sample.
Where unprivileged user namespaces are allowed, the child also runs in a network namespace
of its own (``unshare --user --map-root-user --net``): it has no network at all, not even
loopback. ``preexec_fn`` is avoided on purpose: it is unsafe in a threaded server (waitress, the
Huey worker). A child that overruns a limit is stopped by the kernel (processor time:
SIGXCPU, then SIGKILL; memory: allocations fail) or killed here (real time), and the scan
ends as *unscanned* with the limit named, never as clean and never as a server error.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import logging
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleannet.scanner.model import UnscannedReason
from cleannet.server.filescan.sandbox_worker import MEMORY_EXIT
from cleannet.server.filescan.signatures import SignatureSource

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
WORKER = ("-m", "cleannet.server.filescan.sandbox_worker")
# The child needs no configuration, secrets or proxies of the server: a bare environment.
_CHILD_ENV = {"PATH": os.defpath, "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
_OPEN_FILES = 256


@dataclass(frozen=True)
class SandboxLimits:
    """Processor seconds and address space (MB) of the child, and real seconds of a run."""

    cpu_seconds: int
    memory_mb: int
    wall_seconds: float


@dataclass(frozen=True)
class WorkerRun:
    """How a child ended: its status (negative: killed by that signal) and its output."""

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool


@dataclass(frozen=True)
class ScanOutcome:
    """What a scan found; see ``sandbox_worker`` for the shape of the lists."""

    detections: list[dict[str, Any]] = field(default_factory=list)
    unscanned: list[dict[str, Any]] = field(default_factory=list)
    scanned_bytes: int = 0
    signature_version: str | None = None
    seconds: float = 0.0


class SandboxError(Exception):
    """The child could not be started or limited (nothing was scanned)."""


def _lowered(limit: int, which: int) -> tuple[int, int]:
    """Return (soft, hard) no higher than the server's own hard limit (which cannot grow)."""
    _soft, hard = resource.getrlimit(which)
    value = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
    return value, value


def _apply_limits(pid: int, limits: SandboxLimits) -> None:
    resource.prlimit(pid, resource.RLIMIT_AS, _lowered(limits.memory_mb * MIB, resource.RLIMIT_AS))
    soft_cpu, _ = _lowered(limits.cpu_seconds, resource.RLIMIT_CPU)
    # Past the soft limit the kernel sends SIGXCPU; one second later SIGKILL.
    resource.prlimit(pid, resource.RLIMIT_CPU, (soft_cpu, soft_cpu + 1))
    resource.prlimit(pid, resource.RLIMIT_CORE, (0, 0))
    resource.prlimit(pid, resource.RLIMIT_NOFILE, _lowered(_OPEN_FILES, resource.RLIMIT_NOFILE))


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: children go too


@functools.cache
def network_isolation() -> tuple[str, ...]:
    """Return the command prefix that gives the child no network, or () where the system
    does not allow it (checked once per process, by trying)."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    prefix = (unshare, "--user", "--map-root-user", "--net")
    try:
        probe = subprocess.run(  # noqa: S603 - a fixed command
            [*prefix, "true"], capture_output=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ()
    if probe.returncode != 0:
        logger.warning("filescan: the scan worker keeps network access (no user namespaces)")
        return ()
    return prefix


def run_limited(args: Sequence[str], job: bytes, limits: SandboxLimits) -> WorkerRun:
    """Run ``python -I *args`` under ``limits`` with ``job`` on its stdin.

    Raises ``SandboxError`` when the child cannot be started or limited.
    """
    try:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            [*network_isolation(), sys.executable, "-I", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_CHILD_ENV,
            cwd="/",
            start_new_session=True,
        )
    except OSError as error:
        raise SandboxError(f"cannot start the scan worker: {error}") from error
    try:
        _apply_limits(process.pid, limits)
    except (OSError, ValueError) as error:
        _kill(process)
        process.communicate()
        raise SandboxError(f"cannot limit the scan worker: {error}") from error
    try:
        stdout, stderr = process.communicate(job, timeout=limits.wall_seconds)
    except subprocess.TimeoutExpired:
        _kill(process)
        stdout, stderr = process.communicate()
        return WorkerRun(process.returncode, stdout, stderr, timed_out=True)
    return WorkerRun(process.returncode, stdout, stderr, timed_out=False)


def _whole_file(reason: UnscannedReason, detail: str) -> ScanOutcome:
    return ScanOutcome(unscanned=[{"path": "", "reason": str(reason), "detail": detail}])


def _limit_outcome(run: WorkerRun, limits: SandboxLimits) -> ScanOutcome | None:
    """Return the unscanned outcome of a run stopped by a limit, or None if it was not."""
    if run.timed_out:
        detail = f"the scan took longer than {limits.wall_seconds:g} seconds"
        return _whole_file(UnscannedReason.TIME_LIMIT, detail)
    if run.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        detail = f"the scan used more than {limits.cpu_seconds} seconds of processor time"
        return _whole_file(UnscannedReason.TIME_LIMIT, detail)
    out_of_memory = run.returncode == MEMORY_EXIT or (
        run.returncode == -signal.SIGABRT and b"memory allocation" in run.stderr
    )
    if out_of_memory:
        detail = f"the scan needed more than {limits.memory_mb} MB of memory"
        return _whole_file(UnscannedReason.SIZE_LIMIT, detail)
    return None


def interpret(run: WorkerRun, limits: SandboxLimits) -> ScanOutcome:
    """Turn a finished run into what was found; a failed run is unscanned, never clean."""
    stopped = _limit_outcome(run, limits)
    if stopped is not None:
        return stopped
    try:
        if run.returncode != 0:
            raise ValueError(f"exit status {run.returncode}")
        result = json.loads(run.stdout)
        return ScanOutcome(
            detections=list(result["detections"]),
            unscanned=list(result["unscanned"]),
            scanned_bytes=int(result["bytes"]),
            signature_version=result.get("signature_version"),
        )
    except (ValueError, KeyError, TypeError) as error:
        logger.warning(
            "filescan worker failed (%s): %s", error, run.stderr[-2000:].decode(errors="replace")
        )
        return _whole_file(UnscannedReason.READ_ERROR, "the scan worker failed")


def scan_in_sandbox(
    sample: Path, signatures: SignatureSource, limits: SandboxLimits, cache: Path
) -> ScanOutcome:
    """Scan ``sample`` with ``signatures`` in a limited child process (compiled YARA rules
    are kept in ``cache``).

    Raises ``SandboxError`` only when no child could be started; every other failure is an
    outcome with an unscanned entry.
    """
    # The engine's own archive time budget ends first, so it can report what it did scan.
    job = {
        "sample": str(sample),
        "signatures": str(signatures.directory),
        "version": signatures.version,
        "cache": str(cache),
        "max_seconds": max(1.0, limits.wall_seconds * 0.8),
    }
    started = time.monotonic()
    run = run_limited(WORKER, json.dumps(job).encode(), limits)
    outcome = interpret(run, limits)
    return dataclasses.replace(outcome, seconds=time.monotonic() - started)
