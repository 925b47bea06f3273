"""The node's one call into the matching engine: input files in, a result and notes out.

Everything the node knows about ``cleannet.engines.matching`` is in this module, so a
change of the engine's entry points is a change here only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from cleannet.engines.matching import MatchResult, get_engine
from cleannet.engines.matching.job import JobInputs, PreparedJob, prepare_job

__all__ = ["MatchOutcome", "NodeInputs", "match_logs"]

SAMPLES = 5
"""Refused lines named in a run's note, per input."""


@dataclass(frozen=True)
class NodeInputs:
    """The files of one run: the ISP's own (logs, leases, CGNAT) and the hub's (indicators,
    events), with how to read them."""

    logs: list[Path]
    log_format: str
    leases: list[Path]
    lease_format: str
    indicators: Path
    work_dir: Path
    events: Path | None = None
    cgnat: list[Path] = field(default_factory=list)
    tz: ZoneInfo | None = None
    engine: str = "duckdb"
    memory_limit: str = "2GB"


@dataclass
class MatchOutcome:
    """The engine's result, the bad log lines counted, and notes for the run's record."""

    result: MatchResult
    bad_records: int = 0
    notes: list[str] = field(default_factory=list)


def match_logs(inputs: NodeInputs) -> MatchOutcome:
    """Read every input, run the engine, and return what it found.

    Raises what the readers raise for input that is unusable as a whole (an unknown format,
    a log without a time zone and no ``tz``, a missing file) and the engine's own errors.
    """
    job_inputs = JobInputs(
        logs=inputs.logs,
        log_format=inputs.log_format,
        indicators=[inputs.indicators],
        leases=inputs.leases,
        lease_format=inputs.lease_format,
        cgnat=inputs.cgnat,
        events=[inputs.events] if inputs.events else [],
        tz=inputs.tz,
    )
    prepared = prepare_job(job_inputs, inputs.work_dir, memory_limit=inputs.memory_limit)
    result = get_engine(inputs.engine).run(prepared.job)
    return MatchOutcome(result=result, bad_records=prepared.records.bad, notes=_notes(prepared))


def _notes(prepared: PreparedJob) -> list[str]:
    """Return what an operator should know of the inputs: what each reader refused (with a
    few samples) and the overlapping leases, which are reported, not resolved."""
    notes = []
    summaries = {
        "log": prepared.records,
        "indicator": prepared.indicators,
        "lease": prepared.leases,
        "CGNAT": prepared.cgnat,
        "hub event": prepared.events,
    }
    for name, summary in summaries.items():
        if summary is None or not summary.bad:
            continue
        notes.append(f"{summary.bad} {name} lines refused of {summary.read}")
        notes.extend(
            f"  {bad.source}:{bad.line}: {bad.reason}" for bad in summary.samples[:SAMPLES]
        )
    if prepared.lease_problems.num_rows:
        notes.append(f"{prepared.lease_problems.num_rows} overlapping leases of two subscribers")
    return notes
