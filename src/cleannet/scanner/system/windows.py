"""Windows persistence places: Run/RunOnce registry keys, Startup folders, scheduled tasks.

The registry is read through ``winreg`` where it exists (Windows); elsewhere the registry
check answers one ``Unscanned`` (not-supported) saying so. Startup folders and the task
folder (``%SystemRoot%\\System32\\Tasks``, Task Scheduler XML) are plain files, so they are
read anywhere they are given (tests point them at a temporary directory).

A Startup folder entry is the file itself (a ``.lnk`` shortcut's target is not resolved: the
shortcut file is scanned and matched as a path; parsing shell links is left out).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleannet.scanner.model import Unscanned, UnscannedReason
from cleannet.scanner.system import unreadable
from cleannet.scanner.system.persistence_parsers import (
    AutostartEntry,
    command_paths,
    task_xml_commands,
)

__all__ = ["RUN_KEYS", "WindowsPlaces", "windows_entries"]

RUN_KEYS = (
    r"Software\Microsoft\Windows\CurrentVersion\Run",
    r"Software\Microsoft\Windows\CurrentVersion\RunOnce",
    r"Software\WOW6432Node\Microsoft\Windows\CurrentVersion\Run",
    r"Software\WOW6432Node\Microsoft\Windows\CurrentVersion\RunOnce",
)
_MAX_TASK_BYTES = 1024 * 1024


@dataclass(frozen=True)
class WindowsPlaces:
    """Startup folders, the scheduled-task folder, and whether to read the registry."""

    startup_dirs: tuple[Path, ...] = ()
    tasks_dir: Path | None = None
    registry: bool = True

    @classmethod
    def of_this_system(cls) -> WindowsPlaces:
        """The places of this Windows system; elsewhere only the registry (not supported)."""
        if sys.platform != "win32":
            return cls()
        startup = r"Microsoft\Windows\Start Menu\Programs\Startup"
        dirs = [
            Path(os.environ[var]) / startup
            for var in ("APPDATA", "PROGRAMDATA")
            if os.environ.get(var)
        ]
        system_root = Path(os.environ.get("SYSTEMROOT", r"C:\Windows"))
        return cls(tuple(dirs), system_root / "System32" / "Tasks", True)


def _registry_entries() -> tuple[list[AutostartEntry], list[Unscanned]]:
    try:
        import winreg
    except ImportError:
        detail = "Run/RunOnce keys exist only on Windows (no winreg on this system)"
        return [], [Unscanned("windows-registry", UnscannedReason.NOT_SUPPORTED, detail)]
    entries: list[AutostartEntry] = []
    unscanned: list[Unscanned] = []
    hives: list[tuple[str, Any]] = [
        ("HKCU", winreg.HKEY_CURRENT_USER),  # type: ignore[attr-defined,unused-ignore]
        ("HKLM", winreg.HKEY_LOCAL_MACHINE),  # type: ignore[attr-defined,unused-ignore]
    ]
    for hive_name, hive in hives:
        for key in RUN_KEYS:
            place = f"{hive_name}\\{key}"
            try:
                entries += [
                    AutostartEntry(f"{place}\\{name}", value, command_paths(value, windows=True))
                    for name, value in _values(winreg, hive, key)
                ]
            except FileNotFoundError:
                continue
            except OSError as exc:
                unscanned.append(unreadable(place, exc))
    return entries, unscanned


def _values(winreg: Any, hive: Any, key: str) -> Iterator[tuple[str, str]]:
    with winreg.OpenKey(hive, key) as handle:
        index = 0
        while True:
            try:
                name, value, _ = winreg.EnumValue(handle, index)
            except OSError:  # no more values
                return
            index += 1
            if isinstance(value, str) and value.strip():
                yield name, os.path.expandvars(value)


def _startup_entries(directory: Path) -> tuple[list[AutostartEntry], list[Unscanned]]:
    try:
        if not directory.is_dir():
            return [], []
        files = sorted(p for p in directory.iterdir() if p.is_file())
    except OSError as exc:
        return [], [unreadable(str(directory), exc)]
    entries = [AutostartEntry(str(path), str(path), (str(path),)) for path in files]
    return entries, []


def _task_entries(directory: Path) -> tuple[list[AutostartEntry], list[Unscanned]]:
    entries: list[AutostartEntry] = []
    unscanned: list[Unscanned] = []
    try:
        if not directory.is_dir():
            return [], []
        files = sorted(p for p in directory.rglob("*") if p.is_file())
    except OSError as exc:
        return [], [unreadable(str(directory), exc)]
    for path in files:
        try:
            if path.stat().st_size > _MAX_TASK_BYTES:
                unscanned.append(Unscanned(str(path), UnscannedReason.TOO_LARGE, "task file"))
                continue
            entries += task_xml_commands(path.read_bytes(), str(path))
        except OSError as exc:
            unscanned.append(unreadable(str(path), exc))
        except ValueError as exc:
            unscanned.append(Unscanned(str(path), UnscannedReason.PARSE_ERROR, str(exc)))
    return entries, unscanned


def windows_entries(places: WindowsPlaces) -> tuple[list[AutostartEntry], list[Unscanned]]:
    """Every Windows autostart entry under ``places``, and what could not be read."""
    entries: list[AutostartEntry] = []
    unscanned: list[Unscanned] = []
    parts = [_startup_entries(directory) for directory in places.startup_dirs]
    if places.tasks_dir is not None:
        parts.append(_task_entries(places.tasks_dir))
    if places.registry:
        parts.append(_registry_entries())
    for found, missed in parts:
        entries += found
        unscanned += missed
    # %SystemRoot%-style paths name files only after expansion (a no-op off Windows).
    expanded = [
        AutostartEntry(e.place, e.command, tuple(os.path.expandvars(p) for p in e.paths))
        for e in entries
    ]
    return expanded, unscanned
