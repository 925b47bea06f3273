"""The log formats by name (the CLI's ``--log-format`` values), and ``read_log``.

Adding a format means writing ``logs/<name>.py`` with a ``read(log)`` function (a
``LineParser`` for ``read_lines`` if the format is line-oriented) and adding one line below.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa

from cleannet.engines.matching.logs import bind, nfdump, squid, tabular, zeek
from cleannet.engines.matching.logs.base import LogFormat, LogInput, UnknownLogFormat
from cleannet.engines.matching.schema import ReadSummary

LOG_FORMATS: dict[str, LogFormat] = {
    fmt.name: fmt
    for fmt in (
        LogFormat("bind", "BIND 9 query log (querylog channel)", bind.read),
        LogFormat("zeek-dns", "Zeek dns.log, TSV or JSON lines", zeek.read_dns),
        LogFormat("zeek-conn", "Zeek conn.log, TSV or JSON lines", zeek.read_conn),
        LogFormat("nfdump", "nfdump -o csv output (NetFlow/IPFIX)", nfdump.read),
        LogFormat("squid", "Squid native access.log", squid.read),
        LogFormat("csv", "CSV with a declared column mapping", tabular.read_csv),
        LogFormat("parquet", "Parquet, canonical or with a column mapping", tabular.read_parquet),
    )
}


def get_log_format(name: str) -> LogFormat:
    """Return the format ``name``; raise ``UnknownLogFormat`` listing the known ones."""
    fmt = LOG_FORMATS.get(name)
    if fmt is None:
        known = ", ".join(sorted(LOG_FORMATS))
        raise UnknownLogFormat(f"{name!r} is not a known log format; known: {known}")
    return fmt


def read_log(
    path: Path,
    fmt: str,
    *,
    tz: ZoneInfo | None = None,
    mapping: Mapping[str, str] | None = None,
    summary: ReadSummary,
    batch_rows: int = 65536,
) -> Iterator[pa.RecordBatch]:
    """Yield the records of log ``path`` in format ``fmt`` as ``LOG_RECORD`` batches.

    Every line (row) is counted into ``summary``: ``read == used + bad + skipped``; bad ones
    are sampled with their line number and reason. Raises ``UnknownLogFormat`` at once for
    an unknown ``fmt``; ``NeedsTimezone`` (the format writes times without a zone and ``tz``
    is None) and ``LogMappingError`` before the first batch; ``OSError`` if ``path`` cannot
    be read.
    """
    reader = get_log_format(fmt).read
    return reader(LogInput(path, fmt, summary, tz, mapping, batch_rows))
