"""Feed schedules: crontab fields as huey's ``crontab()`` reads them, checked without huey.

The engines may not import huey, yet a schedule must be refused when the registry is
loaded, not when the worker first builds its ``crontab``: so this module accepts exactly
what ``huey.crontab(..., strict=True)`` accepts (a test holds the two to agreement).
"""

from __future__ import annotations

import re

__all__ = ["CRON_FIELDS", "MANUAL", "cron_fields"]

MANUAL = "manual"
"""The schedule of a feed that runs only when asked."""

# Names as huey's ``crontab()`` takes them, with the values each accepts.
CRON_FIELDS: tuple[tuple[str, int, int], ...] = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day", 1, 31),
    ("month", 1, 12),
    ("day_of_week", 0, 7),
)
# The crontab syntax huey accepts: *, N, N-M, N-M/S, */S (no names, no ``?`` or ``L``).
_CRON_PIECE = re.compile(r"\*|\*/(?P<every>\d+)|(?P<low>\d+)(?:-(?P<high>\d+)(?:/(?P<step>\d+))?)?")


def cron_fields(schedule: str) -> dict[str, str]:
    """Return five crontab fields as huey ``crontab()`` keywords.

    Raises ``ValueError`` naming the field (``hour``, …) and the piece it refuses.
    """
    parts = schedule.split()
    if len(parts) != len(CRON_FIELDS):
        raise ValueError(
            f"{schedule!r} has {len(parts)} fields; give five (minute hour day month "
            f"day_of_week) or {MANUAL!r}"
        )
    for (name, low, high), part in zip(CRON_FIELDS, parts, strict=True):
        for piece in part.split(","):
            reason = _cron_piece_refusal(piece, name, low, high)
            if reason:
                raise ValueError(f"field {name} ({part!r}): {reason}")
    return {name: part for (name, _, _), part in zip(CRON_FIELDS, parts, strict=True)}


def _cron_piece_refusal(piece: str, name: str, low: int, high: int) -> str:
    """Return why ``piece`` is not a valid value of crontab field ``name``, or ""."""
    match = _CRON_PIECE.fullmatch(piece)
    if match is None:
        return f"{piece!r} is not *, N, N-M, N-M/S or */S"
    if match["every"] is not None and name == "day_of_week":
        return "*/S is not supported for the day of the week (huey)"
    numbers = [int(match[g]) for g in ("low", "high") if match[g] is not None]
    if any(not low <= number <= high for number in numbers):
        return f"{piece!r} is outside {low}–{high}"
    if any(match[g] is not None and int(match[g]) == 0 for g in ("every", "step")):
        return f"{piece!r} has a step of 0"
    return ""
