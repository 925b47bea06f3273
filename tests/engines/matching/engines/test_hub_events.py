"""The hub's sinkhole events skip the indicator join and go straight through CGNAT translation
and the leases; their findings have indicator_kind "event"."""

LEASES = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-03-04T00:00:00Z"}]
BLOCKS = [
    {
        "public_ip": "203.0.113.1",
        "port_from": 1024,
        "port_to": 2047,
        "inside_ip": "100.64.0.1",
        "start": "2026-03-04T00:00:00Z",
    }
]


def event(moment: str, ip: str = "203.0.113.1", port: int | None = 1500, **extra: object):
    return {
        "ts": f"2026-03-04T{moment}Z",
        "ip": ip,
        "port": port,
        "family": "mirai",
        "indicator": "sinkhole-http:infected-system",
        "evidence": f"event-{moment}",
        **extra,
    }


def test_it_attributes_a_sinkhole_event_through_its_cgnat_block(engine, build_job, rows) -> None:
    events = [event("10:00:00"), event("09:00:00", family=None), event("11:00:00", port=1024)]

    result = engine.run(build_job(leases=LEASES, cgnat=BLOCKS, events=events))

    assert rows(result.findings) == [
        {
            "subscriber": "alice",
            "ip": "100.64.0.1",
            "indicator_kind": "event",
            "indicator": "sinkhole-http:infected-system",
            "family": "mirai",
            "first_seen": "2026-03-04T09:00:00Z",
            "last_seen": "2026-03-04T11:00:00Z",
            "count": 3,
            "evidence": "event-09:00:00",
        }
    ]
    assert rows(result.daily_counts) == [
        {
            "day": "2026-03-04",
            "family": "mirai",
            "indicator_kind": "event",
            "subscribers": 1,
            "records": 2,
        },
        {
            "day": "2026-03-04",
            "family": None,
            "indicator_kind": "event",
            "subscribers": 1,
            "records": 1,
        },
    ]


def test_it_reports_an_event_without_a_lease(engine, build_job) -> None:
    events = [event("10:00:00", port=3000), event("10:00:01", ip="100.64.0.1", port=None)]
    leases = [{**LEASES[0], "start": "2026-03-04T10:00:01Z"}]

    result = engine.run(build_job(leases=leases, cgnat=BLOCKS, events=events))

    assert [(u["reason"], u["ip"], u["port"]) for u in result.unattributed.to_pylist()] == [
        ("no lease", "203.0.113.1", 3000)
    ]
    assert [f["evidence"] for f in result.findings.to_pylist()] == ["event-10:00:01"]


def test_it_counts_events_apart_from_the_log_records(engine, build_job) -> None:
    records = [{"ts": "2026-03-04T10:00:00Z", "client_ip": "100.64.0.1", "qname": "evil.example"}]
    indicators = [
        {"kind": "domain", "value": "evil.example", "valid_until": "2026-03-04T09:00:00Z"}
    ]

    result = engine.run(
        build_job(
            records=records,
            indicators=indicators,
            leases=LEASES,
            events=[event("10:00:00", ip="100.64.0.1")],
        )
    )

    assert (result.records_read, result.records_matched) == (1, 0)
    assert [f["indicator_kind"] for f in result.findings.to_pylist()] == ["event"]
