"""``cleannet match``: match ISP logs against indicators and attribute each hit to a subscriber.

An engine command: it runs ``cleannet.engines.matching`` on files and never touches Django or
a database. Findings go to ``--out`` (CSV, JSON Lines or Parquet by its extension), the daily
counts to ``<stem>.daily-counts<ext>`` and the records no single lease covered to
``<stem>.unattributed<ext>`` beside it.

Exit status: 0 when the match ran (bad lines are counted, not fatal), 1 when it could not
finish (an engine that is not installed, a file that cannot be written), 2 for bad arguments
(a missing file, an unknown format, a zone-less log without ``--tz``, a bad mapping). The
summary goes to stderr; with ``--json`` the last stdout line is exactly
``{"records": N, "bad": N, "matched": N, "findings": N, "unattributed": N}``.
"""

from __future__ import annotations

import json
import tempfile
import time
import tomllib
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow.compute as pc
import typer
from rich.console import Console

from cleannet.cli.progress import rows_read_bar
from cleannet.engines.matching import ENGINES, MatchResult, ReadSummary, get_engine
from cleannet.engines.matching import leases as lease_readers
from cleannet.engines.matching import logs as log_readers
from cleannet.engines.matching.job import JobInputs, PreparedJob, prepare_job
from cleannet.engines.matching.output import FORMATS as OUTPUT_EXTENSIONS
from cleannet.engines.matching.output import write_table

SAMPLES_SHOWN = 5
LOG_FORMATS = "One of: " + ", ".join(log_readers.LOG_FORMATS)
LEASE_FORMATS = "One of: " + ", ".join(lease_readers.LEASE_FORMATS)


def _one_of(known: Collection[str], option: str) -> Callable[[str], str]:
    def check(name: str) -> str:
        if name not in known:
            names = ", ".join(known)
            raise typer.BadParameter(f"{name!r} is not one of: {names}", param_hint=option)
        return name

    return check


def _check_out(path: Path) -> Path:
    if path.suffix.lower() not in OUTPUT_EXTENSIONS:
        names = ", ".join(OUTPUT_EXTENSIONS)
        raise typer.BadParameter(
            f"{path.name!r} does not end in one of {names}", param_hint="--out"
        )
    return path


def _zone(name: str | None) -> ZoneInfo | None:
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise typer.BadParameter(
            f"{name!r} is not a time zone (e.g. Asia/Ho_Chi_Minh, UTC)", param_hint="--tz"
        ) from error


def read_mapping(path: Path | None) -> dict[str, str] | None:
    """Return the column mapping in a ``.toml`` or ``.json`` file: a table of names to names.

    Raises ``typer.BadParameter`` for another extension, unreadable syntax or a value that
    is not text.
    """
    if path is None:
        return None
    try:
        if path.suffix.lower() == ".toml":
            loaded: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        elif path.suffix.lower() == ".json":
            loaded = json.loads(path.read_text(encoding="utf-8"))
        else:
            raise typer.BadParameter(
                f"{path.name}: not a .toml or .json file", param_hint="--mapping"
            )
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as error:
        raise typer.BadParameter(f"{path.name}: {error}", param_hint="--mapping") from error
    if not isinstance(loaded, dict) or not all(
        isinstance(key, str) and isinstance(value, str) for key, value in loaded.items()
    ):
        raise typer.BadParameter(
            f"{path.name}: must map field names to column names (text to text)",
            param_hint="--mapping",
        )
    return loaded


def log_files(paths: list[Path]) -> list[Path]:
    """Return ``paths`` with each directory replaced by the files in it (sorted, no hidden)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            )
        else:
            files.append(path)
    return files


def companion(out: Path, name: str) -> Path:
    """Return the file written beside ``out``: ``findings.csv`` → ``findings.<name>.csv``."""
    return out.with_name(f"{out.stem}.{name}{out.suffix}")


def _files(default: Any, help: str) -> Any:
    return typer.Option(
        default, exists=True, dir_okay=False, readable=True, metavar="PATH", help=help
    )


def match(
    logs: list[Path] = typer.Option(
        ..., exists=True, readable=True, metavar="PATH", help="Log files or folders of them."
    ),
    log_format: str = typer.Option(
        ...,
        callback=_one_of(log_readers.LOG_FORMATS, "--log-format"),
        metavar="FORMAT",
        help=LOG_FORMATS,
    ),
    indicators: list[Path] = _files(..., "The hub's indicator export, or an indicator CSV."),
    leases: list[Path] = _files(..., "Lease files (repeat the option)."),
    lease_format: str = typer.Option(
        ...,
        callback=_one_of(lease_readers.LEASE_FORMATS, "--lease-format"),
        metavar="FORMAT",
        help=LEASE_FORMATS,
    ),
    cgnat: list[Path] | None = _files(None, "CGNAT port-block logs, besides the leases."),
    events: list[Path] | None = _files(None, "The hub's sinkhole events for this ISP."),
    out: Path = typer.Option(..., callback=_check_out, help="Findings: .csv, .jsonl or .parquet."),
    engine: str = typer.Option(
        "duckdb", callback=_one_of(ENGINES, "--engine"), help="duckdb (default) or spark."
    ),
    tz: str = typer.Option(
        "", metavar="ZONE", help="Zone of logs and leases that write times without one."
    ),
    mapping: Path | None = _files(None, "Column mapping (.toml/.json) for csv/parquet logs."),
    memory_limit: str = typer.Option("2GB", help="The engine's memory bound (it spills beyond)."),
    threads: int = typer.Option(2, min=1, help="Threads the engine may use."),
    work_dir: Path | None = typer.Option(
        None, file_okay=False, help="Keep the converted inputs here."
    ),
    as_json: bool = typer.Option(False, "--json", help="End with the counts as one JSON line."),
) -> None:
    """Match logs against indicators; attribute every hit to the subscriber holding the address."""
    started = time.perf_counter()
    err = Console(stderr=True)
    inputs = JobInputs(
        logs=log_files(logs),
        log_format=log_format,
        indicators=indicators,
        leases=leases,
        lease_format=lease_format,
        cgnat=cgnat or (),
        events=events or (),
        tz=_zone(tz),
        mapping=read_mapping(mapping),
    )
    with _work_dir(work_dir, out) as work:
        prepared = _prepare(inputs, work, memory_limit, threads, err)
        result = _run(engine, prepared, err)
        written = _write(result, out)
    seconds = time.perf_counter() - started
    summarise(err, prepared, result, seconds)
    for path in written:
        err.print(f"Wrote {path}", markup=False, highlight=False, soft_wrap=True)
    if as_json:
        typer.echo(json.dumps(counts(prepared, result)))


@contextmanager
def _work_dir(given: Path | None, out: Path) -> Iterator[Path]:
    # The converted logs can be as large as the logs: beside the output, not in /tmp.
    out.parent.mkdir(parents=True, exist_ok=True)
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".cleannet-match-") as work:
        yield Path(work)


def _prepare(
    inputs: JobInputs, work: Path, memory_limit: str, threads: int, err: Console
) -> PreparedJob:
    refused = (log_readers.NeedsTimezone, lease_readers.NeedsTimezone)
    try:
        with rows_read_bar(err) as advance:
            return prepare_job(
                inputs,
                work,
                memory_limit=memory_limit,
                threads=threads,
                progress=advance,
                announce=_printer(err),
            )
    except refused as error:
        raise typer.BadParameter(f"{error} (needs --tz)", param_hint="--tz") from error
    except log_readers.LogMappingError as error:
        raise typer.BadParameter(str(error), param_hint="--mapping") from error
    except (log_readers.UnknownLogFormat, lease_readers.UnknownLeaseFormat) as error:
        raise typer.BadParameter(str(error)) from error
    except OSError as error:
        raise _fail(f"Cannot read {error.filename or ''}: {error.strerror or error}") from error


def _run(engine: str, prepared: PreparedJob, err: Console) -> MatchResult:
    try:
        chosen = get_engine(engine)
    except ImportError as error:
        raise _fail(
            f"The {engine} engine is not installed ({error.name}): pip install 'cleannet[{engine}]'"
        ) from error
    with err.status(f"Matching with {engine}…"):
        return chosen.run(prepared.job)


def _write(result: MatchResult, out: Path) -> list[Path]:
    written = [out, companion(out, "daily-counts"), companion(out, "unattributed")]
    tables = [result.findings, result.daily_counts, result.unattributed]
    try:
        for table, path in zip(tables, written, strict=True):
            write_table(table, path)
    except OSError as error:
        raise _fail(f"Cannot write {error.filename or out}: {error.strerror or error}") from error
    return written


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def counts(prepared: PreparedJob, result: MatchResult) -> dict[str, int]:
    """Return the figures of the ``--json`` line, in its order."""
    return {
        "records": prepared.records.read,
        "bad": prepared.records.bad,
        "matched": result.records_matched,
        "findings": result.findings.num_rows,
        "unattributed": result.unattributed.num_rows,
    }


def summarise(console: Console, prepared: PreparedJob, result: MatchResult, seconds: float) -> None:
    """Print what was read, refused, matched and found, for a person."""
    say = _printer(console)
    _reader_lines(say, "Log records", prepared.records)
    _reader_lines(say, "Leases", prepared.leases)
    say(f"  Overlapping-lease problems: {prepared.lease_problems.num_rows:,}")
    if prepared.cgnat is not None:
        _reader_lines(say, "CGNAT blocks", prepared.cgnat)
    _reader_lines(say, "Indicators", prepared.indicators, refused="refused")
    if prepared.events is not None:
        _reader_lines(say, "Hub events", prepared.events)
    say(f"Matched {result.records_matched:,} records into {result.findings.num_rows:,} findings.")
    say(f"Unattributed: {_by_reason(result)}")
    rate = prepared.records.read / seconds if seconds > 0 else 0.0
    say(f"{seconds:,.1f} seconds, {rate:,.0f} records/s (the engine: {result.seconds:,.1f} s).")
    for note in result.notes:
        say(f"  {note}")


def _printer(console: Console) -> Any:
    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False, soft_wrap=True)

    return say


def _reader_lines(say: Any, what: str, summary: ReadSummary, refused: str = "bad") -> None:
    say(
        f"{what}: {summary.read:,} read, {summary.used:,} used, {summary.bad:,} {refused}, "
        f"{summary.skipped:,} skipped."
    )
    for bad in summary.samples[:SAMPLES_SHOWN]:
        say(f"  {bad.source}:{bad.line}: {bad.reason}  [{_clipped(bad.text)}]")
    if summary.bad > SAMPLES_SHOWN:
        say(f"  … and {summary.bad - min(len(summary.samples), SAMPLES_SHOWN):,} more")


def _clipped(text: str, width: int = 60) -> str:
    # Log lines are long and tab-separated: enough to recognise the line, on one screen line.
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _by_reason(result: MatchResult) -> str:
    if result.unattributed.num_rows == 0:
        return "none"
    tallies = pc.value_counts(result.unattributed.column("reason")).to_pylist()
    parts = sorted((tally["values"], tally["counts"]) for tally in tallies)
    return ", ".join(f"{count:,} {reason}" for reason, count in parts)
