"""The one error tree of CleanNet.

Every error a caller may want to handle derives from ``CleanNetError``::

    CleanNetError
    ├── InvalidValue            a value that cannot be accepted (also a ValueError)
    │   ├── InvalidIndicator    an observable that does not normalise to its kind
    │   ├── InvalidTaxonomy     a classification outside RSIT and its legacy names
    │   └── InvalidEvent        an event field with a wrong name or value
    ├── ConfigurationError      a setting that is missing or malformed (fail fast at start)
    └── ParseError              a row of an input file that cannot be read

Every error names the field (or row) and the value it refused, and says why, so that
a message can be shown to the person who sent the input without more context.
"""

from __future__ import annotations

__all__ = [
    "CleanNetError",
    "ConfigurationError",
    "InvalidEvent",
    "InvalidIndicator",
    "InvalidTaxonomy",
    "InvalidValue",
    "ParseError",
]

_MAX_SHOWN = 200


def _shown(value: object) -> str:
    """Return ``repr(value)`` cut to a readable length (inputs may be megabytes)."""
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[:_MAX_SHOWN] + "…"


class CleanNetError(Exception):
    """Base of every error raised on purpose by CleanNet."""


class InvalidValue(CleanNetError, ValueError):
    """A value that cannot be accepted; ``field`` says where it came from."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        super().__init__(f"{field}: {_shown(value)} is not valid: {reason}")


class InvalidIndicator(InvalidValue):
    """An observable that is not a valid value of its indicator kind."""


class InvalidTaxonomy(InvalidValue):
    """A classification taxonomy/type that RSIT does not know."""


class InvalidEvent(InvalidValue):
    """An event with an unknown field name or a field value of the wrong type."""


class ConfigurationError(CleanNetError):
    """A setting is missing or malformed; raised at start-up, never later."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"setting {key}: {reason}")


class ParseError(CleanNetError):
    """One row of an input could not be read; the other rows go on."""

    def __init__(self, source: str, row: int, reason: str, field: str | None = None) -> None:
        self.source = source
        self.row = row
        self.field = field
        self.reason = reason
        where = f"{source}: row {row}" + (f", field {field}" if field else "")
        super().__init__(f"{where}: {reason}")
