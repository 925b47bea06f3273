"""The files an operator publishes for download (the scanner's wheel and packages).

The directory is ``CLEANNET_DOWNLOADS_DIR`` (default ``<var>/downloads``). Only regular
files directly inside it whose names are plain (letters, digits, ``. _ + -``, not starting
with a dot) are listed or served; a name is looked up among those, never joined to a path
as given, so no request can reach outside the directory. Each file's SHA-256 is computed
once per (name, size, mtime) and kept in memory.
"""

from __future__ import annotations

import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Download:
    name: str
    size: int
    sha256: str
    path: Path

    @property
    def is_wheel(self) -> bool:
        return self.name.endswith(".whl")


_digests: dict[tuple[str, int, int], str] = {}
_lock = threading.Lock()


def downloads_dir() -> Path:
    """Return the configured downloads directory (it may not exist)."""
    configured = getattr(settings, "CLEANNET_DOWNLOADS_DIR", None)
    if configured:
        return Path(configured)
    return Path(settings.VAR_DIR) / "downloads"


def is_safe_name(name: str) -> bool:
    """Say whether ``name`` is a plain file name that may be listed or served."""
    return bool(SAFE_NAME.fullmatch(name)) and ".." not in name


def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    key = (str(path), size, mtime_ns)
    with _lock:
        known = _digests.get(key)
    if known is not None:
        return known
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    with _lock:
        _digests[key] = digest.hexdigest()
    return digest.hexdigest()


def _published(path: Path, root: Path) -> bool:
    # A symbolic link could point anywhere; only real files inside the directory count.
    return not path.is_symlink() and path.is_file() and path.resolve().parent == root


def _download(path: Path, root: Path) -> Download | None:
    if not _published(path, root):
        return None
    stat = path.stat()
    return Download(path.name, stat.st_size, _sha256(path, stat.st_size, stat.st_mtime_ns), path)


def list_downloads() -> list[Download]:
    """Return the published files sorted by name; an absent directory lists nothing."""
    root = downloads_dir()
    if not root.is_dir():
        return []
    root = root.resolve()
    found = []
    for path in sorted(root.iterdir(), key=lambda p: p.name):
        if is_safe_name(path.name):
            download = _download(path, root)
            if download is not None:
                found.append(download)
    return found


def find_download(name: str) -> Path | None:
    """Return the path of the published file called ``name``, or None (unsafe name, absent,
    not a regular file, a link)."""
    if not is_safe_name(name):
        return None
    root = downloads_dir()
    if not root.is_dir():
        return None
    root = root.resolve()
    path = root / name
    return path if _published(path, root) else None
