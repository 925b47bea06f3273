"""One archive member, read under the limits; and member names made safe to show.

``collect`` turns a member's chunks into bytes, stopping at the member size, the total
unpacked bytes, the compression ratio or the deadline, and says why it stopped; what was
read before a stop is kept, so that it is still scanned.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleannet.scanner.archive_limits import ArchiveLimits, Budget, LimitReached, describe_size
from cleannet.scanner.archive_streams import DECODE_ERRORS
from cleannet.scanner.model import Detection, Unscanned, UnscannedReason

__all__ = [
    "ArchiveItem",
    "Member",
    "MemberRead",
    "collect",
    "describe_error",
    "emit",
    "join_path",
    "rest_not_read",
    "shown_name",
]

_MAX_SHOWN_NAME = 1024


@dataclass(frozen=True, slots=True)
class Member:
    """One archive member's content; ``path`` is ``container!member``."""

    path: str
    data: bytes


ArchiveItem = Member | Unscanned | Detection


@dataclass(slots=True)
class MemberRead:
    """What ``collect`` read of one member, and why it stopped early (if it did)."""

    data: bytes
    stop: Unscanned | None = None
    fatal: bool = False  # the container cannot go on (time, total bytes, a broken stream)


# -- display -----------------------------------------------------------------------------


def shown_name(raw: str) -> str:
    """A member name safe to print: control and format characters escaped, length capped."""
    try:
        text = raw.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        text = raw.encode("utf-8", "backslashreplace").decode("ascii")
    escaped = "".join(c if c.isprintable() else _escape(c) for c in text)
    if len(escaped) > _MAX_SHOWN_NAME:
        return escaped[:_MAX_SHOWN_NAME] + "…"
    return escaped


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def join_path(container: str, member: str) -> str:
    """``container!member`` with the member's name made safe to show."""
    return f"{container}!{shown_name(member)}"


def describe_error(exc: BaseException) -> str:
    """An error as a short sentence for a report (its message, or its type's name)."""
    text = str(exc) or type(exc).__name__
    return text if len(text) < 300 else text[:300] + "…"


# -- reading one member under the limits ----------------------------------------------------


def collect(chunks: Iterator[bytes], path: str, budget: Budget, packed: int | None) -> MemberRead:
    """Read a member's chunks into bytes, stopping at the member, total, ratio or time limit.

    ``packed`` is the member's compressed size when the ratio applies to it alone (zip);
    streams check their ratio themselves (``archive_streams.limited``). Never raises.
    """
    limits, parts, size = budget.limits, [], 0
    stop: Unscanned | None = None
    fatal = False
    try:
        for chunk in chunks:
            budget.check_time()
            room = min(limits.max_member_bytes - size, budget.bytes_left)
            if len(chunk) > room:
                parts.append(chunk[:room])
                size += room
                budget.take_bytes(room)
                stop, fatal = _size_stop(path, budget)
                break
            parts.append(chunk)
            size += len(chunk)
            budget.take_bytes(len(chunk))
            if packed is not None and _ratio_exceeded(size, packed, limits):
                stop = _ratio_stop(path, packed, size, limits)
                break
    except LimitReached as exc:
        stop, fatal = Unscanned(path, exc.reason, exc.detail), True
    except DECODE_ERRORS as exc:
        detail = f"the member's data is corrupt or cut off: {describe_error(exc)}"
        stop = Unscanned(path, UnscannedReason.PARSE_ERROR, detail)
    return MemberRead(b"".join(parts), stop, fatal)


def _ratio_stop(path: str, packed: int, size: int, limits: ArchiveLimits) -> Unscanned:
    detail = (
        f"the member unpacks to more than {limits.max_ratio:g} times its "
        f"{describe_size(packed)}; the first {describe_size(size)} were scanned"
    )
    return Unscanned(path, UnscannedReason.RATIO_LIMIT, detail)


def _size_stop(path: str, budget: Budget) -> tuple[Unscanned, bool]:
    if budget.bytes_left == 0:
        exhausted = budget.total_exhausted()
        return Unscanned(path, exhausted.reason, exhausted.detail), True
    cap = describe_size(budget.limits.max_member_bytes)
    detail = f"the member is larger than {cap} unpacked; the first {cap} were scanned"
    return Unscanned(path, UnscannedReason.SIZE_LIMIT, detail), False


def _ratio_exceeded(unpacked: int, packed: int, limits: ArchiveLimits) -> bool:
    return unpacked > limits.ratio_floor_bytes and unpacked > limits.max_ratio * max(packed, 1)


def emit(read: MemberRead, path: str) -> Iterator[ArchiveItem]:
    """The member (unless nothing at all was read before a stop), then its stop, if any."""
    if read.data or read.stop is None:
        yield Member(path, read.data)
    if read.stop is not None:
        yield read.stop


def rest_not_read(name: str, exc: LimitReached, more: int | None) -> Unscanned:
    """The container ``name`` was left part-read; ``more`` members, when known, not read."""
    tail = f"; {more} more members were not read" if more else "; the rest was not read"
    return Unscanned(name, exc.reason, exc.detail + tail)
