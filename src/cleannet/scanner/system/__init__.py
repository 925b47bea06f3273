"""The running system: processes, live connections, persistence places.

Each check answers ``(detections, unscanned)``: what matched, and what could not be looked
at and why (access denied, a place this platform does not have). Files that processes run or
persistence entries start are scanned with the file engine through a ``FileScan`` callable,
so tests (and the CLI) choose the engine and its limits; ``CachedFileScan`` scans each
(path, mtime, size) once per run.

- ``processes.scan_processes(sigs)``: each process's executable (hash IOCs, YARA) and its
  command line (filename IOCs); ``processes.end_process(pid, confirm=…)``.
- ``network.scan_connections(sigs)``: remote addresses of live connections vs C2 IPs/CIDRs.
- ``persistence.scan_persistence(sigs, scan_path)``: cron, systemd units, XDG autostart,
  shell start-up files, macOS LaunchAgents, Windows Run keys / Startup / scheduled tasks.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cleannet.scanner.model import Detection, Unscanned, UnscannedReason

if TYPE_CHECKING:
    from cleannet.scanner.engine import ScanLimits
    from cleannet.scanner.signatures import SignatureSet

__all__ = ["CachedFileScan", "FileScan", "ScanResult", "engine_file_scan", "unreadable"]

ScanResult = tuple[list[Detection], list[Unscanned]]
FileScan = Callable[[Path], ScanResult]
"""Scan one file with the file engine: its detections and what was not fully scanned."""


class CachedFileScan:
    """Wrap a ``FileScan`` so that each (path, mtime, size) is scanned once.

    Many processes run the same executable and several autostart entries the same script;
    a changed file (new mtime or size) is scanned again.
    """

    def __init__(self, scan: FileScan) -> None:
        self._scan = scan
        self._cache: dict[tuple[str, int, int], ScanResult] = {}

    def __call__(self, path: Path) -> ScanResult:
        try:
            info = os.stat(path)
        except OSError as exc:
            return [], [unreadable(str(path), exc)]
        key = (str(path), info.st_mtime_ns, info.st_size)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._scan(path)
            self._cache[key] = cached
        return list(cached[0]), list(cached[1])


def unreadable(where: str, exc: OSError) -> Unscanned:
    """The ``Unscanned`` record for an ``OSError`` met while reading ``where``."""
    if isinstance(exc, PermissionError):
        reason = UnscannedReason.PERMISSION_DENIED
    elif isinstance(exc, FileNotFoundError):
        reason = UnscannedReason.NOT_FOUND
    else:
        reason = UnscannedReason.READ_ERROR
    return Unscanned(where, reason, exc.strerror or str(exc))


def engine_file_scan(sigs: SignatureSet, limits: ScanLimits | None = None) -> FileScan:
    """A cached ``FileScan`` running the file engine (``engine.scan_file``) with ``sigs``."""
    from cleannet.scanner import engine  # the engine imports archives and YARA: load late

    def scan(path: Path) -> ScanResult:
        detections, unscanned, _ = engine.scan_file(path, sigs, limits)
        return list(detections), list(unscanned)

    return CachedFileScan(scan)
