"""Preparing a match: every raw input read into its canonical table, on disk, as a ``MatchJob``.

``prepare_job(inputs, work_dir)`` is the one place the readers meet: the logs are converted
by ``logs.write_records`` into Parquet files of ``LOG_RECORD``; leases, CGNAT blocks,
indicators and hub events are read into their tables and written as one Parquet file each.
What each reader read, used and refused comes back beside the job (``PreparedJob``), so that
a command or a task can report it; nothing here is fatal for a bad line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq

from cleannet.engines.matching.hub_events import read_hub_events
from cleannet.engines.matching.indicators import read_indicators
from cleannet.engines.matching.leases import lease_problems, read_leases
from cleannet.engines.matching.logs import write_records
from cleannet.engines.matching.schema import CGNAT_BLOCK, MatchJob, ReadSummary

__all__ = ["JobInputs", "PreparedJob", "prepare_job"]

CGNAT_FORMAT = "cgnat"


@dataclass(frozen=True)
class JobInputs:
    """The raw inputs of one match, as an operator names them.

    ``leases`` are read in ``lease_format``; ``cgnat`` names extra port-block allocation
    logs (format ``cgnat``) read besides them. ``tz`` is the zone of inputs that write times
    without one; ``mapping`` maps ``LOG_RECORD`` fields to the columns of CSV/Parquet logs.
    """

    logs: Sequence[Path]
    log_format: str
    indicators: Sequence[Path]
    leases: Sequence[Path]
    lease_format: str
    cgnat: Sequence[Path] = ()
    events: Sequence[Path] = ()
    tz: ZoneInfo | None = None
    mapping: Mapping[str, str] | None = None
    min_prefix_v4: int = 16
    min_prefix_v6: int = 32


@dataclass(frozen=True)
class PreparedJob:
    """A job ready for an engine, and what each reader made of its input.

    ``cgnat`` and ``events`` are None when no such files were given; ``lease_problems`` is
    the table ``leases.lease_problems`` returns (overlapping leases, reported, not resolved).
    """

    job: MatchJob
    records: ReadSummary
    indicators: ReadSummary
    leases: ReadSummary
    lease_problems: pa.Table
    cgnat: ReadSummary | None = None
    events: ReadSummary | None = None


def prepare_job(
    inputs: JobInputs,
    work_dir: Path,
    *,
    memory_limit: str = "2GB",
    threads: int = 2,
    progress: Callable[[int], None] | None = None,
    announce: Callable[[str], None] | None = None,
) -> PreparedJob:
    """Read every input of ``inputs`` into ``work_dir``; return the job and the summaries.

    ``announce(text)`` is called as each input starts to be read ("Reading 2 lease files
    (radius)"), ``progress(records_read)`` while the logs are converted. Raises what the
    readers raise for an input that cannot be read as a whole: ``UnknownLogFormat``,
    ``UnknownLeaseFormat``, ``NeedsTimezone`` (either reader's), ``LogMappingError``,
    ``OSError`` for a file that cannot be opened.
    """
    say = announce or _quiet
    work_dir.mkdir(parents=True, exist_ok=True)
    say(f"Reading {_count(inputs.leases, 'lease file')} ({inputs.lease_format})")
    leases = read_leases(list(inputs.leases), inputs.lease_format, tz=inputs.tz)
    blocks, cgnat_summary = _cgnat_blocks(inputs, leases.cgnat, say)
    say(f"Reading {_count(inputs.indicators, 'indicator file')}")
    limits = {"min_prefix_v4": inputs.min_prefix_v4, "min_prefix_v6": inputs.min_prefix_v6}
    indicators, indicator_summary = read_indicators(list(inputs.indicators), **limits)
    events, event_summary = _hub_events(inputs.events, work_dir, say)
    say(f"Converting {_count(inputs.logs, 'log file')} ({inputs.log_format})")
    records, record_summary = write_records(
        list(inputs.logs),
        inputs.log_format,
        work_dir / "records",
        tz=inputs.tz,
        mapping=inputs.mapping,
        progress=progress,
    )
    tables = {"indicators": indicators, "leases": leases.leases, "cgnat": blocks}
    return PreparedJob(
        job=_job(records, tables, events, work_dir, memory_limit, threads),
        records=record_summary,
        indicators=indicator_summary,
        leases=leases.summary,
        lease_problems=lease_problems(leases.leases),
        cgnat=cgnat_summary,
        events=event_summary,
    )


def _job(
    records: list[Path],
    tables: dict[str, pa.Table],
    events: Path | None,
    work_dir: Path,
    memory_limit: str,
    threads: int,
) -> MatchJob:
    """Write ``tables`` as Parquet into ``work_dir``; return the job over them (an empty CGNAT
    table is left out)."""
    blocks = tables["cgnat"]
    return MatchJob(
        records=records,
        indicators=_parquet(tables["indicators"], work_dir / "indicators.parquet"),
        leases=_parquet(tables["leases"], work_dir / "leases.parquet"),
        cgnat=_parquet(blocks, work_dir / "cgnat.parquet") if blocks.num_rows else None,
        events=events,
        work_dir=work_dir / "engine",
        memory_limit=memory_limit,
        threads=threads,
    )


def _quiet(text: str) -> None:
    pass


def _count(paths: Sequence[Path], noun: str) -> str:
    return f"1 {noun}" if len(paths) == 1 else f"{len(paths)} {noun}s"


def _cgnat_blocks(
    inputs: JobInputs, from_leases: pa.Table, say: Callable[[str], None]
) -> tuple[pa.Table, ReadSummary | None]:
    # A lease input in the CGNAT format already gave blocks; --cgnat files add to them.
    if not inputs.cgnat:
        return from_leases.cast(CGNAT_BLOCK), None
    say(f"Reading {_count(inputs.cgnat, 'CGNAT file')}")
    extra = read_leases(list(inputs.cgnat), CGNAT_FORMAT, tz=inputs.tz)
    blocks = pa.concat_tables([from_leases.cast(CGNAT_BLOCK), extra.cgnat.cast(CGNAT_BLOCK)])
    return blocks, extra.summary


def _hub_events(
    paths: Sequence[Path], work_dir: Path, say: Callable[[str], None]
) -> tuple[Path | None, ReadSummary | None]:
    if not paths:
        return None, None
    say(f"Reading {_count(paths, 'hub event file')}")
    events, summary = read_hub_events(list(paths))
    return _parquet(events, work_dir / "events.parquet"), summary


def _parquet(table: pa.Table, path: Path) -> Path:
    pq.write_table(table, path, compression="zstd")
    return path
