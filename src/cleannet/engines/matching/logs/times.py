"""Log times to microseconds since the epoch (UTC), exactly and fast.

Epoch texts (``1732960801.123456``) are split at the dot rather than read as floats, so
that a lease boundary to the microsecond stays one. Wall-clock texts without a zone
(``30-Nov-2026 10:00:01``) are read in the ``tz`` given, never in the machine's own zone;
with no ``tz`` they raise ``ZonelessTime``. A repeated wall-clock second (logs write
thousands of lines a second) is converted once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

from cleannet.engines.matching.logs.base import LineError, ZonelessTime

MICROS = 1_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_ONE_MICRO = dt.timedelta(microseconds=1)
_CACHE_LIMIT = 65_536

WallFields = tuple[int, int, int, int, int, int]  # year, month, day, hour, minute, second


_MILLIS = {f"{number:03d}": number * 1000 for number in range(1000)}


def fraction_micros(digits: str) -> int:
    """Return the microseconds of a fraction's digits (``"123"`` → 123000); digits beyond
    the sixth are dropped. Raises ``LineError`` for anything but ASCII digits."""
    millis = _MILLIS.get(digits)  # the common case: logs write milliseconds
    if millis is not None:
        return millis
    if not (digits.isascii() and digits.isdigit()):
        raise LineError(f"time fraction {digits[:12]!r} is not a number")
    return int(digits[:6].ljust(6, "0"))


def epoch_micros(text: str) -> int:
    """Return the microseconds of epoch seconds ``text`` (``1732960801`` or with a fraction).

    Exact to the microsecond for up to six decimals, which is what Zeek and Squid write (a
    double holds today's epoch seconds to 0.24 µs; rounding the product recovers the
    digits). Raises ``LineError`` for anything that is not a non-negative number.
    """
    try:
        seconds = float(text)
    except ValueError:
        raise LineError(f"time {text[:30]!r} is not epoch seconds") from None
    if not (0.0 <= seconds < 1e11) or not text[:1].isdigit():  # nan fails the comparison
        raise LineError(f"time {text[:30]!r} is not epoch seconds")
    return round(seconds * MICROS)


def datetime_micros(moment: dt.datetime) -> int:
    """Return the microseconds since the epoch of an aware ``moment``."""
    return (moment - _EPOCH) // _ONE_MICRO


def iso_micros(text: str, tz: ZoneInfo | None) -> int:
    """Return the microseconds of ISO 8601 ``text``; one without an offset is read in ``tz``.

    Raises ``ZonelessTime`` if it has no offset and ``tz`` is None, ``LineError`` if it is
    not ISO 8601.
    """
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise LineError(f"time {text[:40]!r} is not ISO 8601") from None
    if moment.tzinfo is None:
        if tz is None:
            raise ZonelessTime()
        moment = in_zone(moment, tz)
    return datetime_micros(moment)


def in_zone(naive: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    """Return wall-clock time ``naive`` read in ``tz``; an hour repeated when clocks go back
    is its first occurrence (fold=0). Raises ``LineError`` for a time the clocks skipped
    (a log cannot have written it in ``tz``: its clock or the ``tz`` given is wrong)."""
    moment = naive.replace(tzinfo=tz)
    if moment.astimezone(dt.UTC).astimezone(tz).replace(tzinfo=None) != naive:
        raise LineError(
            f"time {naive.isoformat()} does not exist in {tz.key} (clocks went forward)"
        )
    return moment


class WallClock:
    """Converts wall-clock texts of one layout, read in ``tz``, to epoch seconds.

    ``fields(text)`` splits a text into ``WallFields`` (raising ``ValueError`` or
    ``KeyError`` for a malformed one). ``seconds(text)`` raises ``ZonelessTime`` when
    ``tz`` is None and ``LineError`` for a malformed or impossible time.
    """

    def __init__(self, tz: ZoneInfo | None, fields: Callable[[str], WallFields]) -> None:
        self.tz = tz
        self._fields = fields
        # Readers may look here first (``clock.cache.get(text) or clock.seconds(text)``).
        self.cache: dict[str, int] = {}

    def seconds(self, text: str) -> int:
        value = self.cache.get(text)
        if value is None:
            value = self._convert(text)
            if len(self.cache) >= _CACHE_LIMIT:
                self.cache.clear()
            self.cache[text] = value
        return value

    def _convert(self, text: str) -> int:
        if self.tz is None:
            raise ZonelessTime()
        try:
            naive = dt.datetime(*self._fields(text))
        except (ValueError, KeyError, IndexError):
            raise LineError(f"time {text[:40]!r} is not a valid time") from None
        return int(in_zone(naive, self.tz).timestamp())
