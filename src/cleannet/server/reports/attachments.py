"""Attachments on disk, and their scan by the online file scan.

A file is written under ``<dir>/attachments/ab/cd/<sha256>`` (mode 0600, directories 0700,
nothing served), hashed and counted while it is written, so the size limit holds whatever
the request claimed. Its original name is kept only to be shown. The scan hands a copy to
``cleannet.server.filescan.services.submit_sample`` (which keeps or deletes its copy by its
own retention) and stores the verdict on the attachment.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FILE_MODE = 0o600
DIR_MODE = 0o700
_CHUNK = 64 * 1024


class AttachmentTooLarge(Exception):
    """More bytes arrived than allowed; nothing was kept."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(f"the file is larger than {max_bytes} bytes")


@dataclass(frozen=True)
class StoredFile:
    path: Path
    sha256: str
    size: int


def _private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def attachment_path(root: Path, sha256: str) -> Path:
    return root / "attachments" / sha256[:2] / sha256[2:4] / sha256


def store(root: Path, chunks: Iterable[bytes], max_bytes: int) -> StoredFile:
    """Write ``chunks`` to their place by SHA-256; raises ``AttachmentTooLarge`` (and keeps
    nothing) past ``max_bytes``."""
    incoming = _private_dir(root / "incoming")
    fd, name = tempfile.mkstemp(prefix="attachment-", dir=incoming)
    temp, size, digest = Path(name), 0, hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    raise AttachmentTooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
        target = attachment_path(root, digest.hexdigest())
        _private_dir(target.parent)
        os.replace(temp, target)  # the same content twice: one file
        target.chmod(FILE_MODE)
    finally:
        temp.unlink(missing_ok=True)
    return StoredFile(target, digest.hexdigest(), size)


def read_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


def delete_unless_used(path: Path, still_used: bool) -> None:
    if not still_used:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
