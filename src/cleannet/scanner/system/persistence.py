"""Persistence places: what starts by itself, and whether it starts something detected.

Linux (under ``Places.root``): ``/etc/crontab``, ``/etc/cron.d``, ``/etc/cron.{hourly,daily,
weekly,monthly}``, ``/var/spool/cron`` (and ``crontabs/``); systemd units in
``/etc/systemd/system`` and ``/etc/systemd/user``; XDG autostart ``/etc/xdg/autostart``;
``/etc/profile``, ``/etc/bash.bashrc``, ``/etc/profile.d/*.sh``, ``/etc/rc.local``. Per home
(``Places.homes``): ``~/.config/systemd/user``, ``~/.config/autostart``, ``~/.bashrc``,
``~/.bash_profile``, ``~/.bash_login``, ``~/.profile``, ``~/.zshrc``, ``~/.zprofile``, and the
user's ``~/Library/LaunchAgents`` (macOS, with ``/Library/LaunchAgents`` and
``/Library/LaunchDaemons`` under the root). Windows places are in ``windows.py``.

For each entry: the command is matched against the filename IOCs, and every file it names
(its program, absolute-path arguments) is scanned with ``scan_path`` (the file engine).
A hit is a ``persistence`` detection at ``<file>:<line>`` saying what the entry starts; the
detected file is also reported at its own path (so it can be quarantined), once. Entries
naming files that do not exist are skipped; a place we may not read is ``Unscanned``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleannet.scanner.model import Detection, DetectionKind, Unscanned, UnscannedReason
from cleannet.scanner.system import FileScan, ScanResult, unreadable
from cleannet.scanner.system import persistence_parsers as parse
from cleannet.scanner.system.persistence_parsers import AutostartEntry
from cleannet.scanner.system.windows import WindowsPlaces, windows_entries

if TYPE_CHECKING:
    from cleannet.scanner.signatures import SignatureSet

__all__ = ["Places", "default_homes", "iter_entries", "scan_persistence"]

MAX_PLACE_BYTES = 4 * 1024 * 1024  # larger "start-up files" are reported, not read
_CRON_DIRS = ("cron.hourly", "cron.daily", "cron.weekly", "cron.monthly")
_SHELL_HOME = (".bashrc", ".bash_profile", ".bash_login", ".profile", ".zshrc", ".zprofile")
_SHELL_ETC = ("etc/profile", "etc/bash.bashrc", "etc/zsh/zshrc", "etc/rc.local")
_PLIST_DIRS = ("Library/LaunchAgents", "Library/LaunchDaemons")

Reader = Callable[[str, str], list[AutostartEntry]]


def default_homes() -> tuple[Path, ...]:
    """This user's home; as root (POSIX), every home under /home plus /root."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        homes = [p for p in Path("/home").glob("*") if p.is_dir()] + [Path("/root")]
        return tuple(p for p in homes if p.is_dir())
    return (Path.home(),)


@dataclass(frozen=True)
class Places:
    """Where to look: ``root`` holds etc/, var/, Library/; ``homes`` the users' homes;
    ``windows`` the Startup folders, task folder and registry (see ``windows.py``)."""

    root: Path = Path("/")
    homes: tuple[Path, ...] = field(default_factory=default_homes)
    windows: WindowsPlaces = field(default_factory=WindowsPlaces.of_this_system)


@dataclass
class _Found:
    entries: list[AutostartEntry] = field(default_factory=list)
    unscanned: list[Unscanned] = field(default_factory=list)


def _read(path: Path, found: _Found) -> str | None:
    """The text of a regular file, or None (absent, special, unreadable → noted)."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            return None  # a unit masked to /dev/null, a FIFO: nothing to run
        if info.st_size > MAX_PLACE_BYTES:
            found.unscanned.append(
                Unscanned(str(path), UnscannedReason.TOO_LARGE, f"{info.st_size} bytes")
            )
            return None
        return path.read_bytes().decode("utf-8", errors="replace")
    except FileNotFoundError:
        return None
    except OSError as exc:
        found.unscanned.append(unreadable(str(path), exc))
        return None


def _files(directory: Path, pattern: str, found: _Found) -> list[Path]:
    try:
        if not directory.is_dir():
            return []
        return sorted(p for p in directory.glob(pattern) if not p.name.startswith("."))
    except OSError as exc:
        found.unscanned.append(unreadable(str(directory), exc))
        return []


def _read_each(paths: list[Path], reader: Reader, found: _Found) -> None:
    for path in paths:
        text = _read(path, found)
        if text is not None:
            found.entries += reader(text, str(path))


def _cron(root: Path, found: _Found) -> None:
    def system(text: str, source: str) -> list[AutostartEntry]:
        return parse.crontab_commands(text, source, system=True)

    def user(text: str, source: str) -> list[AutostartEntry]:
        return parse.crontab_commands(text, source, system=False)

    _read_each([root / "etc/crontab"], system, found)
    _read_each(_files(root / "etc/cron.d", "*", found), system, found)
    spool = root / "var/spool/cron"
    user_tabs = _files(spool / "crontabs", "*", found) + [
        p for p in _files(spool, "*", found) if p.is_file()
    ]
    _read_each(user_tabs, user, found)
    for directory in _CRON_DIRS:
        for script in _files(root / "etc" / directory, "*", found):
            found.entries.append(AutostartEntry(str(script), str(script), (str(script),)))


def _systemd_and_autostart(root: Path, homes: tuple[Path, ...], found: _Found) -> None:
    units = [root / "etc/systemd/system", root / "etc/systemd/user"]
    autostart = [root / "etc/xdg/autostart"]
    for home in homes:
        units.append(home / ".config/systemd/user")
        autostart.append(home / ".config/autostart")
    for directory in units:
        _read_each(_files(directory, "**/*.service", found), parse.systemd_commands, found)
    for directory in autostart:
        _read_each(_files(directory, "*.desktop", found), parse.desktop_commands, found)


def _shell(root: Path, homes: tuple[Path, ...], found: _Found) -> None:
    _read_each([root / name for name in _SHELL_ETC], parse.shell_commands, found)
    _read_each(_files(root / "etc/profile.d", "*.sh", found), parse.shell_commands, found)
    for home in homes:

        def in_home(text: str, source: str, home: Path = home) -> list[AutostartEntry]:
            return parse.shell_commands(text, source, home=str(home))

        _read_each([home / name for name in _SHELL_HOME], in_home, found)


def _launchd(root: Path, homes: tuple[Path, ...], found: _Found) -> None:
    directories = [root / name for name in _PLIST_DIRS] + [home / _PLIST_DIRS[0] for home in homes]
    for directory in directories:
        for plist in _files(directory, "*.plist", found):
            try:
                data = plist.read_bytes()
                found.entries += parse.plist_commands(data, str(plist))
            except OSError as exc:
                found.unscanned.append(unreadable(str(plist), exc))
            except ValueError as exc:
                found.unscanned.append(Unscanned(str(plist), UnscannedReason.PARSE_ERROR, str(exc)))


def iter_entries(places: Places) -> tuple[list[AutostartEntry], list[Unscanned]]:
    """Every autostart entry under ``places``, and the places that could not be read."""
    found = _Found()
    _cron(places.root, found)
    _systemd_and_autostart(places.root, places.homes, found)
    _shell(places.root, places.homes, found)
    _launchd(places.root, places.homes, found)
    entries, unscanned = windows_entries(places.windows)
    return found.entries + entries, found.unscanned + unscanned


class _Reporter:
    """Turns entries into detections: each file scanned once, each detection reported once."""

    def __init__(self, sigs: SignatureSet, scan_path: FileScan) -> None:
        self.sigs, self.scan_path = sigs, scan_path
        self.detections: list[Detection] = []
        self.unscanned: list[Unscanned] = []
        self._seen: set[tuple[str, str, str]] = set()

    def add(self, detection: Detection) -> None:
        key = (detection.path, detection.detection, detection.kind)
        if key not in self._seen:
            self._seen.add(key)
            self.detections.append(detection)

    def entry(self, entry: AutostartEntry) -> None:
        for name, score in self.sigs.match_filename(entry.command):
            self.add(_persistence(entry, name, score, f"starts {entry.command[:300]}"))
        for path in entry.paths:
            for hit in self._scan(Path(path)):
                self.add(hit)
                what = f"starts {path}, detected as {hit.detection} ({hit.kind})"
                self.add(_persistence(entry, hit.detection, hit.score, what, hit.sha256))

    def _scan(self, path: Path) -> Iterator[Detection]:
        if not path.is_file():
            return  # the entry names a file that is gone: nothing to run
        found, unscanned = self.scan_path(path)
        self.unscanned += [u for u in unscanned if u not in self.unscanned]
        yield from found


def _persistence(
    entry: AutostartEntry, name: str, score: int, what: str, sha256: str | None = None
) -> Detection:
    return Detection(
        path=entry.place,
        detection=name,
        kind=DetectionKind.PERSISTENCE,
        score=score,
        sha256=sha256,
        description=f"autostart entry {what}",
    )


def scan_persistence(
    sigs: SignatureSet, scan_path: FileScan, places: Places | None = None
) -> ScanResult:
    """Check every persistence place under ``places`` (this system by default)."""
    entries, unscanned = iter_entries(places or Places())
    reporter = _Reporter(sigs, scan_path)
    for entry in entries:
        reporter.entry(entry)
    return reporter.detections, unscanned + reporter.unscanned
