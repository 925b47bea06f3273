"""What only the DuckDB engine promises: its settings, its notes, its spill folder."""

import dataclasses

import pytest

from cleannet.engines.matching import get_engine

DUCKDB = get_engine("duckdb")
ALICE = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-01-01T00:00:00Z"}]
RECORDS = [{"ts": "2026-03-04T10:00:00Z", "client_ip": "100.64.0.1", "qname": "evil.example"}]


def test_it_is_the_engine_named_duckdb() -> None:
    assert DUCKDB.name == "duckdb"


def test_it_refuses_a_memory_limit_duckdb_cannot_read(build_job) -> None:
    job = dataclasses.replace(build_job(leases=ALICE), memory_limit="plenty")

    with pytest.raises(ValueError, match="DuckDB refused the job's settings"):
        DUCKDB.run(job)


def test_it_names_the_indicator_kinds_it_ignores(build_job) -> None:
    indicators = [
        {"kind": "domain", "value": "evil.example"},
        {"kind": "sha256", "value": "ab" * 32},
        {"kind": "sha256", "value": "cd" * 32},
    ]

    result = DUCKDB.run(build_job(records=RECORDS, indicators=indicators, leases=ALICE))

    assert result.notes == ["ignored 2 indicators of kind 'sha256'"]
    assert result.findings.num_rows == 1


def test_it_spills_into_the_job_s_work_folder(build_job) -> None:
    job = build_job(records=RECORDS, leases=ALICE)

    DUCKDB.run(job)

    assert job.work_dir is not None
    assert job.work_dir.is_dir()


def test_it_spills_into_a_temporary_folder_when_the_job_has_none(build_job) -> None:
    job = dataclasses.replace(build_job(records=RECORDS, leases=ALICE), work_dir=None)

    result = DUCKDB.run(job)

    assert result.records_read == 1


def test_it_reads_no_records_when_the_job_has_no_record_files(build_job) -> None:
    job = dataclasses.replace(
        build_job(indicators=[{"kind": "domain", "value": "evil.example"}], leases=ALICE),
        records=[],
    )

    result = DUCKDB.run(job)

    assert (result.records_read, result.records_matched, result.findings.num_rows) == (0, 0, 0)
    assert result.seconds > 0
