"""Running processes: the executable through the file engine, the command line through the
filename IOCs.

A process is reported as ``pid:<pid>`` (kind ``process``), its description naming the
executable and what matched. An executable deleted from disk while running (a common
dropper trick) is read through ``/proc/<pid>/exe`` on Linux. A process whose executable or
command line we may not read is ``Unscanned`` (permission-denied), never clean; kernel
threads (no executable) and processes that end during the scan are skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psutil

from cleannet.core.errors import CleanNetError
from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.system import FileScan, ScanResult

if TYPE_CHECKING:
    from cleannet.scanner.signatures import SignatureSet

__all__ = ["ProcessInfo", "end_process", "iter_processes", "scan_processes"]

_DELETED = " (deleted)"
_END_WAIT_SECONDS = 5.0


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """What is checked of one process; ``exe`` is None for kernel threads."""

    pid: int
    name: str
    exe: str | None
    cmdline: tuple[str, ...]
    denied: str = ""  # why some of it could not be read

    @property
    def where(self) -> str:
        return f"pid:{self.pid}"


def _read(process: psutil.Process) -> ProcessInfo:
    # ``ad_value=None`` marks what access was denied to; a kernel thread has exe "" instead.
    info = process.as_dict(["name", "exe", "cmdline"], ad_value=None)
    denied = [field for field in ("exe", "cmdline") if info.get(field) is None]
    return ProcessInfo(
        pid=process.pid,
        name=str(info.get("name") or ""),
        exe=str(info["exe"]) if info.get("exe") else None,
        cmdline=tuple(str(part) for part in info.get("cmdline") or ()),
        denied=", ".join(denied),
    )


def iter_processes() -> Iterator[ProcessInfo]:
    """Every process we can see (those that end meanwhile are skipped)."""
    for process in psutil.process_iter():
        try:
            yield _read(process)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
        except psutil.AccessDenied as exc:
            yield ProcessInfo(process.pid, "", None, (), denied=str(exc) or "access denied")


def _executable(info: ProcessInfo) -> Path | None:
    """The file to scan for ``info``: its exe, or /proc/<pid>/exe when deleted from disk."""
    if info.exe is None:
        return None
    path = Path(info.exe.removesuffix(_DELETED))
    if path.is_file():
        return path
    proc_exe = Path(f"/proc/{info.pid}/exe")
    return proc_exe if proc_exe.exists() else None


def _exe_detections(info: ProcessInfo, scan_path: FileScan) -> ScanResult:
    executable = _executable(info)
    if executable is None:
        return [], []
    found, unscanned = scan_path(executable)
    detections = [
        Detection(
            path=info.where,
            detection=hit.detection,
            kind=DetectionKind.PROCESS,
            score=hit.score,
            sha256=hit.sha256,
            description=f"{info.name}: executable {info.exe} matched ({hit.kind})",
        )
        for hit in found
    ]
    where = f"{info.where} ({info.exe})"
    return detections, [Unscanned(where, u.reason, u.detail) for u in unscanned]


def _cmdline_detections(info: ProcessInfo, sigs: SignatureSet) -> list[Detection]:
    command = " ".join(info.cmdline)
    if not command:
        return []
    return [
        Detection(
            path=info.where,
            detection=name,
            kind=DetectionKind.PROCESS,
            score=score,
            description=f"{info.name}: command line matched a filename IOC: {command[:300]}",
        )
        for name, score in sigs.match_filename(command)
    ]


def scan_processes(
    sigs: SignatureSet,
    scan_path: FileScan,
    *,
    processes: Iterable[ProcessInfo] | None = None,
) -> ScanResult:
    """Check every running process (or ``processes``): executable and command line.

    ``scan_path`` scans one executable (``CachedFileScan`` keeps it to once per file).
    """
    detections: list[Detection] = []
    unscanned: list[Unscanned] = []
    for info in processes if processes is not None else iter_processes():
        if info.denied:
            unscanned.append(
                Unscanned(
                    info.where,
                    UnscannedReason.PERMISSION_DENIED,
                    f"{info.name or 'process'}: cannot read {info.denied}",
                )
            )
        found, missed = _exe_detections(info, scan_path)
        detections += found
        unscanned += missed
        detections += _cmdline_detections(info, sigs)
    return detections, unscanned


class ProcessActionError(CleanNetError):
    """A process that may not or could not be ended; the message says why."""


def _describe(process: psutil.Process) -> str:
    with process.oneshot():
        command = " ".join(process.cmdline())[:300]
        return f"pid {process.pid} ({process.name()}, {process.exe() or '?'}): {command}"


def end_process(
    pid: int,
    *,
    confirm: Callable[[str], bool],
    expected_exe: str | None = None,
) -> bool:
    """End process ``pid`` after ``confirm(description)`` says yes; True if it ended.

    Refuses (``ProcessActionError``) PID 0/1, this process and its parent, and a process
    whose executable is no longer ``expected_exe`` (the PID was reused). Sends SIGTERM,
    then SIGKILL after 5 seconds. False when the user said no.
    """
    if pid <= 1 or pid in (os.getpid(), os.getppid()):
        raise ProcessActionError(f"pid {pid}: refusing to end a system or our own process")
    try:
        process = psutil.Process(pid)
        if expected_exe is not None and (process.exe() or "") != expected_exe:
            raise ProcessActionError(f"pid {pid}: no longer runs {expected_exe}; not ended")
        if not confirm(_describe(process)):
            return False
        process.terminate()
        try:
            process.wait(_END_WAIT_SECONDS)
        except psutil.TimeoutExpired:
            process.kill()
            process.wait(_END_WAIT_SECONDS)
    except psutil.NoSuchProcess:
        return True  # it ended on its own
    except (psutil.AccessDenied, psutil.TimeoutExpired) as exc:
        raise ProcessActionError(f"pid {pid}: cannot end it ({exc})") from None
    return True
