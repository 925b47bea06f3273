"""Weighted choices and event clocks for the demo world, all driven by one ``random.Random``."""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import Generic, TypeVar

T = TypeVar("T")

# Relative activity by local hour in Vietnam (UTC+7): quiet before dawn, busiest in the
# evening when home routers, phones and family PCs are all on.
_LOCAL_HOUR_WEIGHTS = (
    0.45, 0.35, 0.3, 0.25, 0.25, 0.3, 0.5, 0.7, 0.85, 0.95, 1.0, 1.0,
    0.95, 0.9, 0.95, 1.0, 1.0, 1.05, 1.2, 1.4, 1.5, 1.45, 1.2, 0.75,
)  # fmt: skip
_UTC_OFFSET_HOURS = 7


class Picker(Generic[T]):
    """A weighted choice that costs one ``random()`` and one bisect per draw.

    ``random.choices`` rebuilds its cumulative table on every call; twenty thousand
    events make that the generator's main cost.
    """

    def __init__(self, weighted: Sequence[tuple[T, float]]) -> None:
        if not weighted or any(weight < 0 for _, weight in weighted):
            raise ValueError("a Picker needs at least one item and no negative weight")
        self._items = [item for item, _ in weighted]
        self._cumulative = list(itertools.accumulate(weight for _, weight in weighted))
        self._total = self._cumulative[-1]
        self._last = len(self._items) - 1
        if self._total <= 0:
            raise ValueError("a Picker needs a positive total weight")

    def pick(self, rng: random.Random) -> T:
        """Return one item, each with probability proportional to its weight."""
        index = bisect.bisect_right(self._cumulative, rng.random() * self._total)
        # random() < 1, but the product can round up to the total itself.
        return self._items[index if index <= self._last else self._last]


class Clock:
    """Draws event times over whole UTC days, each day weighted, hours shaped by daily life."""

    def __init__(self, start: dt.datetime, day_weights: Sequence[float]) -> None:
        self._start = start
        utc_hours = [
            ((local - _UTC_OFFSET_HOURS) % 24, weight)
            for local, weight in enumerate(_LOCAL_HOUR_WEIGHTS)
        ]
        # One picker over (day, hour) pairs: one draw instead of two per event.
        self._hours = Picker(
            [
                ((day * 24 + hour) * 3600, day_weight * hour_weight)
                for day, day_weight in enumerate(day_weights)
                for hour, hour_weight in utc_hours
            ]
        )

    def draw(self, rng: random.Random) -> dt.datetime:
        """Return an aware UTC time, to the second, inside the days with a positive weight."""
        seconds = self._hours.pick(rng) + rng.randrange(3600)
        return self._start + dt.timedelta(seconds=seconds)


def everyday_weights(rng: random.Random, start: dt.date, days: int, weekend: float) -> list[float]:
    """Return one weight per day: ``weekend`` on Saturdays and Sundays, 1 otherwise, ±15 % noise.

    Office PCs (Emotet, Qakbot, stealers) go quiet at weekends; IoT devices do not,
    so callers pass a different ``weekend`` factor per kind of event.
    """
    weights = []
    for offset in range(days):
        is_weekend = (start + dt.timedelta(days=offset)).weekday() >= 5
        weights.append((weekend if is_weekend else 1.0) * rng.uniform(0.85, 1.15))
    return weights


def outbreak_weights(days: int, first: int, length: int) -> list[float]:
    """Return day weights that are zero outside ``[first, first + length)`` and peak mid-way.

    The triangle (rise, peak, decay) is the shape a botnet wave has in sinkhole counts.
    """
    weights = [0.0] * days
    middle = (length - 1) / 2
    for step in range(length):
        weights[first + step] = 1.0 + middle - abs(step - middle)
    return weights


def outbreak_window(
    rng: random.Random, days: int, earliest: float, latest: float, length: int
) -> tuple[int, int]:
    """Return ``(first day, length)`` of an outbreak starting between two window fractions."""
    length = max(1, min(length, days))
    low = min(int(days * earliest), days - length)
    high = max(low, min(int(days * latest), days - length))
    return rng.randint(low, high), length
