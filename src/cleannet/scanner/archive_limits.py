"""Limits on archive unpacking, and the budget one scan tree shares.

``ArchiveLimits`` holds the numbers (defaults follow ClamAV's clamd.conf, except depth).
``Budget`` is the running account of one top-level file: members opened, bytes unpacked and
the deadline are shared by every container nested inside it, so a bomb cannot escape a limit
by spreading itself over many small inner archives.

A limit reached raises ``LimitReached`` inside the archive readers; they turn it into an
``Unscanned`` record. It never leaves ``cleannet.scanner.archives``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from cleannet.core.errors import InvalidValue
from cleannet.scanner.model import UnscannedReason

__all__ = ["ArchiveLimits", "Budget", "LimitReached", "MiB", "describe_size"]

MiB = 1 << 20


@dataclass(frozen=True, slots=True)
class ArchiveLimits:
    """How far archive unpacking may go for one top-level file.

    ``max_ratio`` applies per member (unpacked / compressed bytes) and to a compressed
    stream as a whole (gzip, bzip2, xz), once more than ``ratio_floor_bytes`` are unpacked:
    small files compress well for honest reasons.
    """

    max_depth: int = 10
    max_members: int = 10_000
    max_member_bytes: int = 100 * MiB
    max_total_bytes: int = 400 * MiB
    max_ratio: float = 200.0
    max_seconds: float = 120.0
    ratio_floor_bytes: int = 1 * MiB

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_members", "max_member_bytes", "max_total_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise InvalidValue(name, value, "must be a whole number, zero or more")
        for name in ("max_ratio", "max_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                raise InvalidValue(name, value, "must be a number above zero")
        if self.ratio_floor_bytes < 0:
            raise InvalidValue("ratio_floor_bytes", self.ratio_floor_bytes, "must not be negative")


class LimitReached(Exception):
    """Raised inside the readers when a limit stops unpacking; carries the reason."""

    def __init__(self, reason: UnscannedReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _monotonic() -> float:
    # Looked up at call time so that tests can replace ``time.monotonic``.
    return time.monotonic()


@dataclass(slots=True)
class Budget:
    """What one top-level file has used so far: members, unpacked bytes, time.

    ``clock`` returns seconds (monotonic); the deadline starts when the budget is made.
    """

    limits: ArchiveLimits
    clock: Callable[[], float] = _monotonic
    members: int = 0
    unpacked_bytes: int = 0
    deadline: float = field(init=False)

    def __post_init__(self) -> None:
        self.deadline = self.clock() + self.limits.max_seconds

    @property
    def bytes_left(self) -> int:
        return max(0, self.limits.max_total_bytes - self.unpacked_bytes)

    def check_time(self) -> None:
        """Raise ``LimitReached(TIME_LIMIT)`` once the deadline has passed."""
        if self.clock() > self.deadline:
            raise LimitReached(
                UnscannedReason.TIME_LIMIT,
                f"the archive time limit ({self.limits.max_seconds:g} s) was reached",
            )

    def take_member(self) -> None:
        """Count one more member; raise ``LimitReached(MEMBER_LIMIT)`` past the limit."""
        if self.members >= self.limits.max_members:
            raise LimitReached(
                UnscannedReason.MEMBER_LIMIT,
                f"the archive member limit ({self.limits.max_members}) was reached",
            )
        self.members += 1

    def check_bytes_left(self) -> None:
        """Raise ``LimitReached(SIZE_LIMIT)`` once no unpacked bytes are left."""
        if self.bytes_left == 0:
            raise self.total_exhausted()

    def take_bytes(self, count: int) -> None:
        """Count ``count`` unpacked bytes (callers never take more than ``bytes_left``)."""
        self.unpacked_bytes += count

    def total_exhausted(self) -> LimitReached:
        """The error for "no unpacked bytes left in this scan"."""
        return LimitReached(
            UnscannedReason.SIZE_LIMIT,
            f"the total unpacked size limit ({describe_size(self.limits.max_total_bytes)})"
            " was reached",
        )


def describe_size(count: int) -> str:
    """``count`` bytes as people read it: "100 MiB" when whole, else "1234 bytes"."""
    if count >= MiB and count % MiB == 0:
        return f"{count // MiB} MiB"
    return f"{count} bytes"
