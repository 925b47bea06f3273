"""Samples on disk: named by SHA-256 under ``<dir>/samples/ab/cd/<sha256>``, mode 0600.

An upload is written to ``<dir>/incoming/`` while its three hashes are computed and its size
is counted (the limit holds while reading, whatever the request claimed), then renamed into
place, so a sample file is always complete. Directories are 0700: nothing here is served,
and no file ever has an execute bit. Pure file handling; no Django.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

SAMPLE_MODE = 0o600
DIR_MODE = 0o700
_SHA256 = re.compile(r"[0-9a-f]{64}")


class SampleTooLarge(Exception):
    """More bytes arrived than ``max_bytes``; the partial file is already deleted."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        super().__init__(f"the file is larger than {max_bytes} bytes")


@dataclass(frozen=True)
class Intake:
    """A complete upload in the incoming directory, with its hashes."""

    temp_path: Path
    size: int
    md5: str
    sha1: str
    sha256: str

    def discard(self) -> None:
        """Delete the incoming file (if still there)."""
        self.temp_path.unlink(missing_ok=True)


def private_dir(path: Path) -> Path:
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def incoming_dir(root: Path) -> Path:
    return private_dir(root / "incoming")


def sample_path(root: Path, sha256: str) -> Path:
    """Return where the sample with this SHA-256 (64 lower-case hex) lives."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError(f"not a lower-case SHA-256: {sha256!r}")
    return root / "samples" / sha256[:2] / sha256[2:4] / sha256


class SampleSink:
    """Write an upload chunk by chunk into the incoming directory, hashing as it goes."""

    def __init__(self, root: Path, max_bytes: int) -> None:
        fd, name = tempfile.mkstemp(prefix="upload-", dir=incoming_dir(root))
        os.fchmod(fd, SAMPLE_MODE)  # mkstemp gives 0600 already; say so whatever the umask
        self.path = Path(name)
        self.max_bytes = max_bytes
        self.size = 0
        self._file: BinaryIO | None = os.fdopen(fd, "wb")
        self._hashes = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())  # noqa: S324

    def write(self, chunk: bytes) -> None:
        """Append ``chunk``; raises ``SampleTooLarge`` (and deletes the file) past the limit."""
        if self._file is None:
            raise ValueError("the sink is closed")
        if self.size + len(chunk) > self.max_bytes:
            self.discard()
            raise SampleTooLarge(self.max_bytes)
        self._file.write(chunk)
        self.size += len(chunk)
        for digest in self._hashes:
            digest.update(chunk)

    def finish(self) -> Intake:
        """Close the file and return it with its hashes."""
        if self._file is None:
            raise ValueError("the sink is closed")
        self._file.close()
        self._file = None
        md5, sha1, sha256 = (digest.hexdigest() for digest in self._hashes)
        return Intake(self.path, self.size, md5, sha1, sha256)

    def discard(self) -> None:
        """Close and delete the partial file; safe to call twice."""
        if self._file is not None:
            self._file.close()
            self._file = None
        self.path.unlink(missing_ok=True)


def sink_stream(root: Path, max_bytes: int, chunks: Iterable[bytes]) -> Intake:
    """Write ``chunks`` through a ``SampleSink``; raises ``SampleTooLarge`` past the limit."""
    sink = SampleSink(root, max_bytes)
    try:
        for chunk in chunks:
            sink.write(chunk)
    except BaseException:
        sink.discard()
        raise
    return sink.finish()


def keep_sample(root: Path, intake: Intake) -> Path:
    """Move the upload to its place by SHA-256 (0600) and return that path.

    When the sample is already there (the same content), the upload is just deleted.
    """
    target = sample_path(root, intake.sha256)
    private_dir(target.parent)
    if target.exists():
        intake.discard()
    else:
        os.replace(intake.temp_path, target)
    target.chmod(SAMPLE_MODE)
    return target


def delete_sample(root: Path, sha256: str) -> bool:
    """Delete the sample with this SHA-256; return whether there was one."""
    path = sample_path(root, sha256)
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def purge_stale_incoming(root: Path, older_than_seconds: float) -> int:
    """Delete incoming files left by requests that died; return how many were deleted."""
    cutoff = time.time() - older_than_seconds
    deleted = 0
    for path in incoming_dir(root).iterdir():
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff:
                path.unlink()
                deleted += 1
    return deleted
