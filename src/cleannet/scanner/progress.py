"""A progress line with ETA on stderr, drawn only when stderr is a terminal, its words in
Vietnamese or English (``lang``).

The total is the byte count of the walk's ``stat``; progress moves by each file's listed size
when its scan ends, so the ETA is bytes left divided by the rate so far.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from cleannet.scanner.messages import Messages

__all__ = ["Progress"]

_REDRAW_SECONDS = 0.2
_WIDTH = 30


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


class Progress:
    """Counts scanned files and bytes; draws a bar on ``stream`` if enabled and a terminal."""

    def __init__(
        self,
        total_files: int,
        total_bytes: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        lang: str = "en",
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and self.stream.isatty()
        self.total_files, self.total_bytes = total_files, max(total_bytes, 1)
        self.files = 0
        self.bytes = 0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._say = Messages(lang)

    def advance(self, size: int) -> None:
        """One file of ``size`` listed bytes is done."""
        self.files += 1
        self.bytes += size
        now = time.monotonic()
        if self.enabled and (
            now - self._drawn >= _REDRAW_SECONDS or self.files == self.total_files
        ):
            self._drawn = now
            self.stream.write("\r" + self.line(now))
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        """The progress line: bar, percent, files, rate and ETA."""
        elapsed = max((now if now is not None else time.monotonic()) - self.started, 1e-9)
        share = min(self.bytes / self.total_bytes, 1.0)
        bar = "#" * int(share * _WIDTH)
        rate = self.bytes / elapsed
        eta = (self.total_bytes - self.bytes) / rate if rate > 0 else 0.0
        counts = self._say(
            "progress",
            files=self.files,
            total=self.total_files,
            rate=f"{rate / (1 << 20):7.1f}",
            eta=_duration(eta),
        )
        return f"[{bar:<{_WIDTH}}] {share:6.1%} {counts}"

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()
