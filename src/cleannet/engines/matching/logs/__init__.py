"""Log readers: one module per log format, one registry, ``LOG_RECORD`` batches out.

``read_log(path, fmt, ...)`` yields the records of one log; ``write_records(paths, fmt,
out_dir, ...)`` turns logs into the Parquet files a ``MatchJob`` lists. Formats (the CLI's
``--log-format``): bind, zeek-dns, zeek-conn, nfdump, squid, csv, parquet; ``.gz`` and
``.zst`` input is told by its magic bytes. Errors: ``UnknownLogFormat``,
``NeedsTimezone``, ``LogMappingError`` (all ``ValueError``); a bad line is never one.
"""

from cleannet.engines.matching.logs.base import (
    LogFormat,
    LogMappingError,
    NeedsTimezone,
    UnknownLogFormat,
)
from cleannet.engines.matching.logs.convert import write_records
from cleannet.engines.matching.logs.registry import LOG_FORMATS, get_log_format, read_log

__all__ = [
    "LOG_FORMATS",
    "LogFormat",
    "LogMappingError",
    "NeedsTimezone",
    "UnknownLogFormat",
    "get_log_format",
    "read_log",
    "write_records",
]
