"""One measured stage of the matching benchmark, run in a fresh process by ``bench/matching.py``.

Usage: ``python bench/matching_stage.py STAGE DATA_DIR RECORDS RESULT_JSON [--engine E]
[--memory-limit 3GB] [--threads 2] [--work DIR]``, where RECORDS is the Parquet (or, for
``csv``, the CSV) file of records to use. Stages:

- ``scan``: DuckDB reads the names of the Parquet file and nothing else (``count(*)``,
  ``sum(length(qname))``): the strictest floor, one column;
- ``scan-file``: DuckDB reads every column of the Parquet file (the length of each text, the
  largest time and port), and nothing else;
- ``scan-csv``: the same over the CSV log;
- ``match``: the DuckDB engine's matching plans only (the DNS suffix match: records → matched
  records with their indicators, validity applied, kept inside DuckDB; no attribution);
- ``engine``: the engine's full match (``--engine duckdb|spark``) of the Parquet records;
- ``csv``: ``logs.write_records`` converts the CSV log to Parquet, then the engine matches it;
- ``python``: the dict/set loop of ``bench/matching_python.py``, the whole job;
- ``python-match``: the same loop, the match alone (no attribution), as ``match`` is.

Seconds are wall-clock around the work alone (imports and process start excluded); the
figures go to RESULT_JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/ is scripts, not a package

import duckdb
import matching_python
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from cleannet.engines.matching import LOG_RECORD, MatchJob, MatchResult, get_engine

STAGES = ("scan", "scan-file", "scan-csv", "match", "engine", "csv", "python", "python-match")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """Return the command-line options."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=STAGES)
    parser.add_argument("data", type=Path, help="the generated input's directory")
    parser.add_argument("records", type=Path, help="the records file this stage reads")
    parser.add_argument("result", type=Path, help="where the figures are written (JSON)")
    parser.add_argument("--engine", default="duckdb")
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", type=Path, default=None, help="spill and conversion folder")
    return parser.parse_args(argv)


def cpu_seconds() -> float:
    """Return the CPU time of this process and its finished children (Spark's JVM)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# Every LOG_RECORD column, each read in full: the characters of each text, the largest number.
FILE_COLUMNS = ", ".join(
    f"sum(length({field.name}))" if pa.types.is_string(field.type) else f"max({field.name})"
    for field in LOG_RECORD
)


def scan(args: argparse.Namespace) -> dict[str, Any]:
    """DuckDB's plain read of the records (the names alone, every column, or the CSV)."""
    connection = duckdb.connect(config={"threads": args.threads, "memory_limit": args.memory_limit})
    if args.stage == "scan":
        query = "SELECT count(*), sum(length(qname)) FROM read_parquet(?)"
    elif args.stage == "scan-file":
        query = f"SELECT count(*), {FILE_COLUMNS} FROM read_parquet(?)"  # noqa: S608
    else:
        query = "SELECT count(*), sum(length(query)) FROM read_csv(?, header = true)"
    rows, *read = connection.execute(query, [str(args.records)]).fetchone()
    if args.stage == "scan-file":
        return {"records": rows, "counts": {"columns_read": len(read)}}
    return {"records": rows, "counts": {"qname_characters": int(read[0] or 0)}}


def job_for(args: argparse.Namespace, records: list[Path], work: Path) -> MatchJob:
    """Return the job over ``records`` with the generated indicators and leases."""
    return MatchJob(
        records=records,
        indicators=args.data / "indicators.parquet",
        leases=args.data / "leases.parquet",
        work_dir=work,
        memory_limit=args.memory_limit,
        threads=args.threads,
    )


def result_counts(result: MatchResult) -> dict[str, int]:
    """Return what two runs over the same input must agree on."""
    findings, daily = result.findings, result.daily_counts
    return {
        "records_read": result.records_read,
        "records_matched": result.records_matched,
        "findings": findings.num_rows,
        "finding_records": int(pc.sum(findings.column("count")).as_py() or 0),
        "unattributed": result.unattributed.num_rows,
        "daily_counts": daily.num_rows,
        "daily_records": int(pc.sum(daily.column("records")).as_py() or 0),
    }


def engine(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The engine's full match of the Parquet records."""
    result = get_engine(args.engine).run(job_for(args, [args.records], work))
    return {"records": result.records_read, "counts": result_counts(result), "notes": result.notes}


def match(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """The DuckDB engine's matching plans alone: what the issue calls the DNS suffix match."""
    from cleannet.engines.matching.duckdb_engine import ENGINE  # imported before the clock

    counts = ENGINE.count_matches(job_for(args, [args.records], work))
    return {
        "records": counts.records_read,
        "counts": {"records_matched": counts.records_matched, "matches": counts.matches},
    }


def csv(args: argparse.Namespace, work: Path) -> dict[str, Any]:
    """Convert the CSV log with the log reader, then match: the figures of both halves."""
    from cleannet.engines.matching.logs import write_records

    mapping = json.loads((args.data / "dns-mapping.json").read_text())
    started = time.perf_counter()
    files, summary = write_records([args.records], "csv", work / "records", mapping=mapping)
    converted = time.perf_counter()
    result = get_engine(args.engine).run(job_for(args, files, work / "engine"))
    return {
        "records": summary.read,
        "convert_seconds": round(converted - started, 3),
        "match_seconds": round(time.perf_counter() - converted, 3),
        "counts": result_counts(result) | {"csv_bad": summary.bad, "csv_used": summary.used},
    }


def python(args: argparse.Namespace) -> dict[str, Any]:
    """The straightforward loop (``python``: the whole job; ``python-match``: the match
    alone); its rate is the loop's (the index build is reported apart)."""
    figures = matching_python.run(
        args.records,
        args.data / "indicators.parquet",
        args.data / "leases.parquet",
        attribute=args.stage == "python",
    )
    rows = pq.ParquetFile(args.records).metadata.num_rows
    return {"records": rows, **figures}


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Run the stage once; return its figures with wall and CPU seconds."""
    if args.stage in ("match", "engine", "csv"):
        get_engine("duckdb" if args.stage == "match" else args.engine)  # imports, not timed
    with tempfile.TemporaryDirectory(dir=args.work) as work:
        cpu, started = cpu_seconds(), time.perf_counter()
        if args.stage in ("scan", "scan-file", "scan-csv"):
            figures = scan(args)
        elif args.stage == "match":
            figures = match(args, Path(work))
        elif args.stage == "engine":
            figures = engine(args, Path(work))
        elif args.stage == "csv":
            figures = csv(args, Path(work))
        else:
            figures = python(args)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
    return {
        "stage": args.stage,
        "engine": args.engine,
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu, 3),
        "self_peak_rss_kib": high_water_kib(),
        **figures,
    }


def high_water_kib() -> int:
    """Return this process's peak resident memory since it started (``VmHWM``, KiB).

    Not ``ru_maxrss``: Linux carries that across ``exec`` from the parent that forked this
    process, so a child of a large benchmark process would report the parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv: list[str]) -> int:
    """Measure one stage and write its figures."""
    args = parse_args(argv)
    figures = measure(args)
    args.result.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
