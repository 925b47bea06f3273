"""``prepare_job``: raw inputs read into the canonical tables an engine runs on."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching import (
    CGNAT_BLOCK,
    HUB_EVENT,
    INDICATOR,
    LEASE,
    LOG_RECORD,
    get_engine,
)
from cleannet.engines.matching.job import JobInputs, prepare_job
from cleannet.engines.matching.logs import NeedsTimezone, UnknownLogFormat

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "match"


def inputs(**changes: object) -> JobInputs:
    given: dict[str, object] = {
        "logs": [FIXTURES / "dns.log"],
        "log_format": "zeek-dns",
        "indicators": [FIXTURES / "indicators.csv"],
        "leases": [FIXTURES / "leases.csv"],
        "lease_format": "csv",
    }
    return JobInputs(**(given | changes))  # type: ignore[arg-type]


def test_it_writes_every_table_the_job_lists_in_its_schema(tmp_path: Path) -> None:
    prepared = prepare_job(
        inputs(cgnat=[FIXTURES / "cgnat.csv"], events=[FIXTURES / "events.jsonl"]),
        tmp_path,
        memory_limit="1GB",
        threads=1,
    )
    job = prepared.job

    assert [pq.read_schema(path).equals(LOG_RECORD) for path in job.records] == [True]
    assert pq.read_schema(job.indicators).equals(INDICATOR)
    assert pq.read_schema(job.leases).equals(LEASE)
    assert job.cgnat is not None and pq.read_schema(job.cgnat).equals(CGNAT_BLOCK)
    assert job.events is not None and pq.read_schema(job.events).equals(HUB_EVENT)
    assert all(path.is_relative_to(tmp_path) for path in [*job.records, job.indicators, job.leases])
    assert (job.memory_limit, job.threads, job.work_dir) == ("1GB", 1, tmp_path / "engine")
    assert pq.read_table(job.cgnat).column("inside_ip").to_pylist() == ["100.64.0.8"]


def test_it_returns_what_each_reader_read_used_and_refused(tmp_path: Path) -> None:
    prepared = prepare_job(
        inputs(cgnat=[FIXTURES / "cgnat.csv"], events=[FIXTURES / "events.jsonl"]), tmp_path
    )

    records, indicators = prepared.records, prepared.indicators
    assert (records.read, records.used, records.bad, records.skipped) == (23, 12, 2, 9)
    assert [(bad.source, bad.line) for bad in records.samples] == [("dns.log", 18), ("dns.log", 20)]
    assert (indicators.used, indicators.bad) == (4, 2)
    assert "public suffix" in indicators.samples[0].reason
    assert (prepared.leases.used, prepared.leases.bad) == (6, 0)
    assert prepared.cgnat is not None and prepared.cgnat.used == 1
    assert prepared.events is not None and (prepared.events.used, prepared.events.bad) == (2, 1)


def test_it_reports_overlapping_leases_without_resolving_them(tmp_path: Path) -> None:
    problems = prepare_job(inputs(), tmp_path).lease_problems.to_pylist()

    assert [(p["ip"], p["subscribers"]) for p in problems] == [("10.0.0.9", "dave;erin")]


def test_it_leaves_out_cgnat_and_events_when_none_are_given(tmp_path: Path) -> None:
    prepared = prepare_job(inputs(), tmp_path)

    assert (prepared.job.cgnat, prepared.job.events) == (None, None)
    assert (prepared.cgnat, prepared.events) == (None, None)
    assert not (tmp_path / "cgnat.parquet").exists()


def test_it_adds_cgnat_files_to_the_blocks_of_a_cgnat_lease_input(tmp_path: Path) -> None:
    second = tmp_path / "more-blocks.csv"
    second.write_text(
        "start,end,public_ip,port_from,port_to,inside_ip\n"
        "2026-03-04T00:00:00Z,,203.0.113.10,2048,3071,100.64.0.9\n"
    )
    prepared = prepare_job(
        inputs(leases=[FIXTURES / "cgnat.csv"], lease_format="cgnat", cgnat=[second]),
        tmp_path / "work",
    )

    assert prepared.job.cgnat is not None
    blocks = pq.read_table(prepared.job.cgnat).column("inside_ip").to_pylist()
    assert sorted(blocks) == ["100.64.0.8", "100.64.0.9"]
    assert pq.read_table(prepared.job.leases).num_rows == 0


def test_it_reads_zoneless_times_in_the_zone_given(tmp_path: Path) -> None:
    prepared = prepare_job(
        inputs(logs=[FIXTURES / "query.log"], log_format="bind", tz=ZoneInfo("Asia/Ho_Chi_Minh")),
        tmp_path,
    )

    (first, _) = pq.read_table(prepared.job.records[0]).column("ts").to_pylist()
    assert first == dt.datetime(2026, 3, 4, 2, 0, tzinfo=dt.UTC)


def test_it_raises_for_a_zoneless_log_without_a_zone(tmp_path: Path) -> None:
    with pytest.raises(NeedsTimezone, match="--tz"):
        prepare_job(inputs(logs=[FIXTURES / "query.log"], log_format="bind"), tmp_path)


def test_it_raises_for_an_unknown_log_format(tmp_path: Path) -> None:
    with pytest.raises(UnknownLogFormat, match="zeek-dns"):
        prepare_job(inputs(log_format="syslog"), tmp_path)


def test_a_prepared_job_runs_on_the_default_engine(tmp_path: Path) -> None:
    prepared = prepare_job(inputs(cgnat=[FIXTURES / "cgnat.csv"]), tmp_path)
    result = get_engine("duckdb").run(prepared.job)

    assert result.records_matched == 9
    assert result.findings.column("subscriber").to_pylist() == [
        "alice",
        "bob",
        "carol",
        "dave",
        "frank",
    ]
    assert result.unattributed.num_rows == 3
