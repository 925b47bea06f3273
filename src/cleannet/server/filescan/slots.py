"""At most N scans at once across every web process: one lock file per slot.

A scan holds an exclusive ``flock`` on one of ``<dir>/slots/0..N-1``; the kernel releases
it when the holder ends, even by a crash, so a slot can never leak.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

_POLL_SECONDS = 0.1


class ScannerBusy(Exception):
    """Every slot stayed taken for the whole wait."""


def _try_slot(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextlib.contextmanager
def scan_slot(root: Path, slots: int, wait_seconds: float) -> Iterator[int]:
    """Hold one of ``slots`` scan slots for the block; yield its number.

    Raises ``ScannerBusy`` when none frees up within ``wait_seconds``.
    """
    directory = root / "slots"
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        for number in range(max(1, slots)):
            fd = _try_slot(directory / str(number))
            if fd is not None:
                try:
                    yield number
                finally:
                    os.close(fd)  # closing the descriptor releases the lock
                return
        if time.monotonic() >= deadline:
            raise ScannerBusy(f"all {slots} scan slots are busy")
        time.sleep(_POLL_SECONDS)
