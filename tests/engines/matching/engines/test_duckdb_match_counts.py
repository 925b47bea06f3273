"""The DuckDB engine's matching plans alone: what the benchmark measures as the suffix match."""

from cleannet.engines.matching.duckdb_engine import ENGINE

ALICE = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-01-01T00:00:00Z"}]


def dns(name: str, second: str = "10:00:00") -> dict[str, object]:
    return {"ts": f"2026-03-04T{second}Z", "client_ip": "100.64.0.1", "qname": name}


def test_it_counts_each_record_once_and_each_indicator_it_matches(build_job) -> None:
    indicators = [
        {"kind": "domain", "value": "evil.example"},
        {"kind": "domain", "value": "cdn.evil.example"},
    ]
    records = [dns("a.cdn.evil.example"), dns("evil.example"), dns("benign.example")]

    counts = ENGINE.count_matches(build_job(records=records, indicators=indicators, leases=ALICE))

    assert counts == (3, 2, 3)


def test_it_counts_what_the_whole_job_matches(build_job) -> None:
    indicators = [
        {"kind": "domain", "value": "evil.example", "valid_until": "2026-03-04T11:00:00Z"},
        {"kind": "domain", "value": "evil.example", "valid_from": "2026-03-04T10:30:00Z"},
        {"kind": "ip", "value": "198.51.100.7"},
    ]
    flow = {"ts": "2026-03-04T10:00:00Z", "client_ip": "100.64.0.1", "dst_ip": "198.51.100.7"}
    records = [dns("x.evil.example"), dns("evil.example", "10:45:00"), {**flow, "kind": "flow"}]
    job = build_job(records=records, indicators=indicators, leases=ALICE)

    counts = ENGINE.count_matches(job)
    result = ENGINE.run(job)

    assert counts.records_matched == result.records_matched == 3
    assert counts.matches == 3  # the record at 10:45 is inside both windows: one match
    assert counts.records_read == result.records_read == 3
