"""What every log reader shares: its input, its errors and the row it produces.

Errors a caller sees (all ``ValueError``s, raised before any record of the file is given)::

    UnknownLogFormat   the format name is not in ``LOG_FORMATS`` (the message lists them)
    NeedsTimezone      the log writes times without a zone and no ``tz`` was given
    LogMappingError    a CSV/Parquet column mapping that does not fit the input

Inside the readers a bad line raises ``LineError`` (``ZonelessTime`` for a time without a
zone); the line drivers turn it into ``ReadSummary.reject`` and go on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from cleannet.engines.matching.schema import ReadSummary

# ts (µs since the epoch, UTC), kind, client_ip, client_port, qname, dst_ip, dst_port, url;
# the driver adds the evidence.
Row = tuple[int, str, str, int | None, str | None, str | None, int | None, str | None]


class UnknownLogFormat(ValueError):
    """A log format name that no reader has."""


class NeedsTimezone(ValueError):
    """The log's times carry no zone and no ``tz`` was given (local time is never guessed)."""

    def __init__(self, source: str, fmt: str) -> None:
        super().__init__(
            f"{source}: {fmt} logs write times without a timezone; "
            "pass --tz (e.g. --tz Asia/Ho_Chi_Minh) to say which one they are in"
        )


class LogMappingError(ValueError):
    """A column mapping (CSV/Parquet input) that names missing columns or unknown fields."""


class LineError(Exception):
    """One log line that cannot be used; ``reason`` is what the summary samples show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ZonelessTime(LineError):
    """A time without a zone met while no ``tz`` was given."""

    def __init__(self) -> None:
        super().__init__("time has no timezone; pass --tz")


@dataclass(frozen=True)
class LogInput:
    """One log file to read and how: what every format's ``read`` receives."""

    path: Path
    fmt: str
    summary: ReadSummary
    tz: ZoneInfo | None = None
    mapping: Mapping[str, str] | None = None
    batch_rows: int = 65536

    @property
    def source(self) -> str:
        """The name evidence and bad-line samples use: the file name, never its folder."""
        return self.path.name


@dataclass(frozen=True)
class LogFormat:
    """A log format: its CLI name, a one-line description and its reader.

    ``read(log)`` yields ``LOG_RECORD`` batches and counts every line (or row) of the
    file into ``log.summary``; it raises ``NeedsTimezone`` or ``LogMappingError`` before
    yielding anything when the input as a whole cannot be read.
    """

    name: str
    description: str
    read: Callable[[LogInput], Iterator[pa.RecordBatch]]
