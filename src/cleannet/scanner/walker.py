"""Walking the paths to scan: files, folders and whole drives, without surprises.

The walk yields ``FileTask`` (a regular file with its size, from one ``stat``) or ``Unscanned``
for whatever cannot be scanned: a path that does not exist, a folder that cannot be listed, a
device, FIFO or socket (never opened: reading a FIFO would block, a device never ends), a file
above the size limit, a symlink loop. A symlink to a folder is followed unless it leads back
to a folder already on the current path (a loop, reported); a folder or file reached twice
through links or hard links is scanned once.

Inside a walk (not when named on the command line), the kernel's pseudo file systems
(``/proc``, ``/sys``, ``/dev``) are skipped: they hold no files to scan and endless ones.
Folders named in ``skip`` (the quarantine store) are skipped wherever they are met, also
through a link: recognised by device and inode, not by name.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cleannet.scanner.model import Unscanned, UnscannedReason

__all__ = ["PSEUDO_FILE_SYSTEMS", "FileTask", "walk"]

PSEUDO_FILE_SYSTEMS = frozenset({"/proc", "/sys", "/dev"})


@dataclass(frozen=True, slots=True)
class FileTask:
    """A regular file to scan and its size when listed."""

    path: str
    size: int


def _stat_unscanned(path: str, error: OSError) -> Unscanned:
    if error.errno == errno.ELOOP:
        return Unscanned(path, UnscannedReason.SYMLINK_LOOP, "the symbolic links form a loop")
    if isinstance(error, PermissionError):
        return Unscanned(path, UnscannedReason.PERMISSION_DENIED, "permission denied")
    if isinstance(error, FileNotFoundError):
        if os.path.islink(path):
            return Unscanned(path, UnscannedReason.NOT_FOUND, "a symbolic link to nothing")
        return Unscanned(path, UnscannedReason.NOT_FOUND, "no such file or folder")
    return Unscanned(path, UnscannedReason.READ_ERROR, error.strerror or str(error))


def _special_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


_Ancestors = frozenset[tuple[int, int]]


class _Walk:
    """One walk's memory: files and folders already met (by device and inode)."""

    def __init__(self, max_file_bytes: int | None, skip: frozenset[tuple[int, int]]) -> None:
        self.max_file_bytes = max_file_bytes
        self.skip = skip
        self.seen_files: set[tuple[int, int]] = set()
        self.seen_dirs: set[tuple[int, int]] = set()
        # Folders still to list, deepest last: an explicit stack, so that a very deep tree
        # cannot exhaust Python's recursion limit.
        self.pending: list[tuple[str, _Ancestors]] = []

    def entry(self, path: str, ancestors: _Ancestors) -> Iterator[FileTask | Unscanned]:
        try:
            info = os.stat(path)
        except OSError as error:
            yield _stat_unscanned(path, error)
            return
        key = (info.st_dev, info.st_ino)
        if key in self.skip:
            return
        if stat.S_ISDIR(info.st_mode):
            yield from self.folder(path, key, ancestors)
        elif stat.S_ISREG(info.st_mode):
            yield from self.file(path, key, info.st_size)
        else:
            detail = f"{_special_kind(info.st_mode)} is not read"
            yield Unscanned(path, UnscannedReason.SPECIAL_FILE, detail)

    def file(self, path: str, key: tuple[int, int], size: int) -> Iterator[FileTask | Unscanned]:
        if key in self.seen_files:
            return
        self.seen_files.add(key)
        if self.max_file_bytes is not None and size > self.max_file_bytes:
            detail = f"{size} bytes, above the file-size limit of {self.max_file_bytes}"
            yield Unscanned(path, UnscannedReason.TOO_LARGE, detail)
        else:
            yield FileTask(path, size)

    def folder(self, path: str, key: tuple[int, int], ancestors: _Ancestors) -> Iterator[Unscanned]:
        if key in ancestors:
            yield Unscanned(path, UnscannedReason.SYMLINK_LOOP, "leads back to a folder above it")
        elif key not in self.seen_dirs:
            self.seen_dirs.add(key)
            self.pending.append((path, ancestors | {key}))

    def list_folder(self, path: str, ancestors: _Ancestors) -> Iterator[FileTask | Unscanned]:
        try:
            with os.scandir(path) as listing:
                names = sorted(entry.name for entry in listing)
        except OSError as error:
            yield _stat_unscanned(path, error)
            return
        for name in names:
            child = os.path.join(path, name)
            if child not in PSEUDO_FILE_SYSTEMS:
                yield from self.entry(child, ancestors)

    def run(self, path: str) -> Iterator[FileTask | Unscanned]:
        yield from self.entry(path, frozenset())
        while self.pending:
            folder, ancestors = self.pending.pop()
            yield from self.list_folder(folder, ancestors)


def _identities(paths: Iterable[str | os.PathLike[str]]) -> frozenset[tuple[int, int]]:
    found = set()
    for path in paths:
        try:
            info = os.stat(path)
        except OSError:
            continue  # a store not made yet holds nothing to skip
        found.add((info.st_dev, info.st_ino))
    return frozenset(found)


def walk(
    paths: Iterable[str | os.PathLike[str]],
    max_file_bytes: int | None = None,
    *,
    skip: Iterable[str | os.PathLike[str]] = (),
) -> Iterator[FileTask | Unscanned]:
    """Yield every regular file under ``paths`` once, and an ``Unscanned`` for the rest;
    nothing under the folders ``skip`` names.

    Never raises for what it finds: every problem is an ``Unscanned`` naming the path.
    """
    state = _Walk(max_file_bytes, _identities(skip))
    for path in paths:
        yield from state.run(os.fspath(path))
