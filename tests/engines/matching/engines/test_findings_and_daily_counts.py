"""Findings: one row per (subscriber, ip, indicator) with first/last seen, count and the first
record's evidence; daily counts per UTC day, family and kind; both in their one order."""

from cleannet.engines.matching import DAILY_COUNT, FINDING, UNATTRIBUTED

LEASES = [
    {"subscriber": "bob", "ip": "100.64.0.2", "start": "2026-03-01T00:00:00Z"},
    {
        "subscriber": "alice",
        "ip": "100.64.0.1",
        "start": "2026-03-01T00:00:00Z",
        "end": "2026-03-04T12:00:00Z",
    },
    {"subscriber": "alice", "ip": "100.64.0.3", "start": "2026-03-04T12:00:00Z"},
]
INDICATORS = [
    {"kind": "domain", "value": "evil.example", "indicator": "Evil.Example", "family": "mirai"},
    {"kind": "domain", "value": "bad.test", "family": "mozi"},
    {"kind": "ip", "value": "198.51.100.7"},
]


def dns(moment: str, client: str, name: str, evidence: str) -> dict[str, object]:
    return {"ts": moment, "client_ip": client, "qname": name, "evidence": evidence}


def test_it_groups_matches_per_subscriber_address_and_indicator(engine, build_job, rows) -> None:
    records = [
        dns("2026-03-04T10:00:05Z", "100.64.0.1", "a.evil.example", "dns.log:9"),
        dns("2026-03-04T10:00:05Z", "100.64.0.1", "b.evil.example", "dns.log:10"),
        dns("2026-03-04T11:30:00.000250Z", "100.64.0.1", "evil.example", "dns.log:11"),
        dns("2026-03-04T13:00:00Z", "100.64.0.3", "evil.example", "dns.log:12"),
        dns("2026-03-04T09:00:00Z", "100.64.0.2", "x.bad.test", "dns.log:1"),
    ]

    result = engine.run(build_job(records=records, indicators=INDICATORS, leases=LEASES))

    # dns.log:10 comes before dns.log:9 by byte order: the tie on time goes to it.
    assert rows(result.findings) == [
        {
            "subscriber": "alice",
            "ip": "100.64.0.1",
            "indicator_kind": "domain",
            "indicator": "Evil.Example",
            "family": "mirai",
            "first_seen": "2026-03-04T10:00:05Z",
            "last_seen": "2026-03-04T11:30:00.000250Z",
            "count": 3,
            "evidence": "dns.log:10",
        },
        {
            "subscriber": "alice",
            "ip": "100.64.0.3",
            "indicator_kind": "domain",
            "indicator": "Evil.Example",
            "family": "mirai",
            "first_seen": "2026-03-04T13:00:00Z",
            "last_seen": "2026-03-04T13:00:00Z",
            "count": 1,
            "evidence": "dns.log:12",
        },
        {
            "subscriber": "bob",
            "ip": "100.64.0.2",
            "indicator_kind": "domain",
            "indicator": "bad.test",
            "family": "mozi",
            "first_seen": "2026-03-04T09:00:00Z",
            "last_seen": "2026-03-04T09:00:00Z",
            "count": 1,
            "evidence": "dns.log:1",
        },
    ]


def test_it_counts_per_utc_day_family_and_kind_without_identities(engine, build_job, rows) -> None:
    records = [
        dns("2026-03-04T23:59:59Z", "100.64.0.3", "evil.example", "a"),
        dns("2026-03-05T00:00:00Z", "100.64.0.3", "evil.example", "b"),
        dns("2026-03-05T00:00:01Z", "100.64.0.2", "evil.example", "c"),
        dns("2026-03-05T00:00:02Z", "100.64.0.2", "www.evil.example", "d"),
        dns("2026-03-05T00:00:03Z", "100.64.0.99", "evil.example", "no lease"),
        {
            "ts": "2026-03-05T08:00:00Z",
            "client_ip": "100.64.0.2",
            "kind": "flow",
            "dst_ip": "198.51.100.7",
            "evidence": "e",
        },
    ]

    result = engine.run(build_job(records=records, indicators=INDICATORS, leases=LEASES))

    assert rows(result.daily_counts) == [
        {
            "day": "2026-03-04",
            "family": "mirai",
            "indicator_kind": "domain",
            "subscribers": 1,
            "records": 1,
        },
        {
            "day": "2026-03-05",
            "family": "mirai",
            "indicator_kind": "domain",
            "subscribers": 2,
            "records": 3,
        },
        {
            "day": "2026-03-05",
            "family": None,
            "indicator_kind": "ip",
            "subscribers": 1,
            "records": 1,
        },
    ]


def test_it_counts_records_read_over_files_and_each_matched_record_once(engine, build_job) -> None:
    records = [
        dns(f"2026-03-04T10:00:0{n}Z", "100.64.0.2", name, f"dns.log:{n}")
        for n, name in enumerate(["evil.example", "x.evil.example", "ok.example"])
    ]
    indicators = [*INDICATORS, {"kind": "domain", "value": "x.evil.example"}]

    result = engine.run(build_job(records=records, indicators=indicators, leases=LEASES, files=2))

    assert (result.records_read, result.records_matched) == (3, 2)
    assert [(f["indicator"], f["count"]) for f in result.findings.to_pylist()] == [
        ("Evil.Example", 2),
        ("x.evil.example", 1),
    ]


def test_it_gives_empty_tables_of_the_schemas_when_nothing_matches(engine, build_job) -> None:
    records = [dns("2026-03-04T10:00:00Z", "100.64.0.2", "ok.example", "dns.log:1")]

    result = engine.run(build_job(records=records, indicators=INDICATORS, leases=LEASES))

    assert (result.findings.schema, result.findings.num_rows) == (FINDING, 0)
    assert (result.daily_counts.schema, result.daily_counts.num_rows) == (DAILY_COUNT, 0)
    assert (result.unattributed.schema, result.unattributed.num_rows) == (UNATTRIBUTED, 0)
    assert (result.records_read, result.records_matched) == (1, 0)


def test_it_returns_tables_of_the_schemas_with_matches(engine, build_job) -> None:
    records = [
        dns("2026-03-04T10:00:00Z", "100.64.0.2", "evil.example", "dns.log:1"),
        dns("2026-03-04T10:00:00Z", "100.64.0.9", "evil.example", "dns.log:2"),
    ]

    result = engine.run(build_job(records=records, indicators=INDICATORS, leases=LEASES))

    assert result.findings.schema == FINDING
    assert result.daily_counts.schema == DAILY_COUNT
    assert result.unattributed.schema == UNATTRIBUTED
    assert (result.findings.num_rows, result.unattributed.num_rows) == (1, 1)
