"""Which code a benchmark measured: the commit and a digest of the measured files on disk.

Benchmarks run on code that may not be committed yet, so each result records the commit,
a SHA-256 over the measured files (path and content) and whether any of them differ from it.
"""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def _files(root: Path, paths: Sequence[str], suffixes: tuple[str, ...]) -> list[Path]:
    found: list[Path] = []
    for name in paths:
        path = root / name
        found += sorted(path.rglob("*")) if path.is_dir() else [path] if path.exists() else []
    return [path for path in found if path.is_file() and path.suffix in suffixes]


def code_state(
    root: Path,
    name: str,
    paths: Sequence[str],
    *,
    suffixes: tuple[str, ...] = (".py",),
    relative_to: Path | None = None,
) -> dict[str, Any]:
    """Return ``git_head``, ``<name>_sha256`` (16 hex digits over the files of ``paths`` below
    ``root`` with one of ``suffixes``, each named relative to ``relative_to`` or ``root``) and
    ``<name>_uncommitted``."""
    base = relative_to or root
    digest = hashlib.sha256()
    for path in _files(root, paths, suffixes):
        digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    git = ["git", "-C", str(root)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)  # noqa: S603
    status = subprocess.run(  # noqa: S603
        [*git, "status", "--porcelain", "--", *paths], capture_output=True, text=True
    )
    return {
        "git_head": head.stdout.strip() or None,
        f"{name}_sha256": digest.hexdigest()[:16],
        f"{name}_uncommitted": bool(status.stdout.strip()),
    }
