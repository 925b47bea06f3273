"""A match belongs to the subscriber whose lease covered that instant (start <= ts < end);
none or several are reported, never guessed."""

EVIL = [{"kind": "domain", "value": "evil.example", "family": "mirai"}]


def dns(moment: str, client: str = "100.64.0.1", **extra: object) -> dict[str, object]:
    return {
        "ts": f"2026-03-04T{moment}Z",
        "client_ip": client,
        "qname": "evil.example",
        "evidence": f"dns.log:{moment}",
        **extra,
    }


def lease(subscriber: str, start: str, end: str | None, ip: str = "100.64.0.1"):
    return {
        "subscriber": subscriber,
        "ip": ip,
        "start": f"2026-03-04T{start}Z",
        "end": end and f"2026-03-04T{end}Z",
    }


def owners(result) -> list[tuple[str, str]]:
    return [(f["evidence"], f["subscriber"]) for f in result.findings.to_pylist()]


def test_it_gives_a_record_at_a_lease_end_to_the_next_lease(engine, build_job) -> None:
    leases = [lease("alice", "08:00:00", "10:00:00"), lease("bob", "10:00:00", None)]
    records = [dns("09:59:59"), dns("10:00:00"), dns("07:59:59")]

    result = engine.run(build_job(records=records, indicators=EVIL, leases=leases))

    assert owners(result) == [("dns.log:09:59:59", "alice"), ("dns.log:10:00:00", "bob")]
    assert [(u["reason"], u["evidence"]) for u in result.unattributed.to_pylist()] == [
        ("no lease", "dns.log:07:59:59")
    ]


def test_it_reports_a_record_at_the_end_of_the_last_lease_as_without_one(
    engine, build_job, rows
) -> None:
    records = [dns("09:59:59.999999"), dns("10:00:00")]

    result = engine.run(
        build_job(records=records, indicators=EVIL, leases=[lease("alice", "08:00:00", "10:00:00")])
    )

    assert owners(result) == [("dns.log:09:59:59.999999", "alice")]
    assert rows(result.unattributed) == [
        {
            "reason": "no lease",
            "ip": "100.64.0.1",
            "port": None,
            "ts": "2026-03-04T10:00:00Z",
            "indicator": "evil.example",
            "candidates": None,
            "evidence": "dns.log:10:00:00",
        }
    ]


def test_it_reports_overlapping_leases_of_two_subscribers_with_the_candidates(
    engine, build_job, rows
) -> None:
    leases = [
        lease("carol", "08:00:00", "12:00:00"),
        lease("alice", "09:00:00", "11:00:00"),
        lease("bob", "10:30:00", None),
    ]

    result = engine.run(
        build_job(records=[dns("10:45:00", client_port=40000)], indicators=EVIL, leases=leases)
    )

    assert result.findings.num_rows == 0
    assert rows(result.unattributed) == [
        {
            "reason": "overlapping leases",
            "ip": "100.64.0.1",
            "port": 40000,
            "ts": "2026-03-04T10:45:00Z",
            "indicator": "evil.example",
            "candidates": "alice;bob;carol",
            "evidence": "dns.log:10:45:00",
        }
    ]


def test_it_attributes_overlapping_leases_of_one_subscriber_to_that_subscriber(
    engine, build_job
) -> None:
    leases = [lease("alice", "08:00:00", "11:00:00"), lease("alice", "10:00:00", None)]

    result = engine.run(build_job(records=[dns("10:30:00")], indicators=EVIL, leases=leases))

    assert [(f["subscriber"], f["count"]) for f in result.findings.to_pylist()] == [("alice", 1)]
    assert result.unattributed.num_rows == 0


def test_it_looks_leases_up_by_the_client_address_only(engine, build_job) -> None:
    leases = [
        lease("alice", "00:00:00", None, ip="100.64.0.1"),
        lease("dave", "00:00:00", None, ip="2001:db8:1::5"),
    ]
    records = [dns("10:00:00", client="2001:db8:1::5"), dns("10:00:01", client="100.64.0.10")]

    result = engine.run(build_job(records=records, indicators=EVIL, leases=leases))

    assert [(f["subscriber"], f["ip"]) for f in result.findings.to_pylist()] == [
        ("dave", "2001:db8:1::5")
    ]
    assert [u["ip"] for u in result.unattributed.to_pylist()] == ["100.64.0.10"]
