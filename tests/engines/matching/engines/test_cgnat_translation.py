"""A record with a port inside a CGNAT block of its public address at that second is translated
to the inside address before the lease lookup; overlapping blocks are reported, never guessed."""

EVIL = [{"kind": "domain", "value": "evil.example"}]
PUBLIC = "203.0.113.1"
LEASES = [
    {"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-03-01T00:00:00Z"},
    {"subscriber": "bob", "ip": "100.64.0.2", "start": "2026-03-01T00:00:00Z"},
]


def block(port_from: int, port_to: int, inside: str, start: str = "00:00:00", end=None):
    return {
        "public_ip": PUBLIC,
        "port_from": port_from,
        "port_to": port_to,
        "inside_ip": inside,
        "start": f"2026-03-04T{start}Z",
        "end": end and f"2026-03-04T{end}Z",
    }


BLOCKS = [block(1024, 2047, "100.64.0.1"), block(2048, 3071, "100.64.0.2")]


def dns(port: int | None, moment: str = "10:00:00", client: str = PUBLIC) -> dict[str, object]:
    return {
        "ts": f"2026-03-04T{moment}Z",
        "client_ip": client,
        "client_port": port,
        "qname": "evil.example",
        "evidence": f"{port}@{moment}",
    }


def run(engine, build_job, records, blocks=BLOCKS):
    return engine.run(build_job(records=records, indicators=EVIL, leases=LEASES, cgnat=blocks))


def test_it_translates_the_first_and_last_port_of_a_block(engine, build_job) -> None:
    result = run(engine, build_job, [dns(1024), dns(2047), dns(2048), dns(3071)])

    assert [(f["subscriber"], f["ip"], f["count"]) for f in result.findings.to_pylist()] == [
        ("alice", "100.64.0.1", 2),
        ("bob", "100.64.0.2", 2),
    ]


def test_it_keeps_the_public_address_of_a_port_outside_every_block(engine, build_job) -> None:
    result = run(engine, build_job, [dns(1023), dns(3072), dns(None)])

    assert result.findings.num_rows == 0
    assert sorted(
        (u["reason"], u["ip"], u["port"] or 0) for u in result.unattributed.to_pylist()
    ) == [("no lease", PUBLIC, 0), ("no lease", PUBLIC, 1023), ("no lease", PUBLIC, 3072)]


def test_it_translates_only_inside_a_block_s_time(engine, build_job) -> None:
    blocks = [
        block(1024, 2047, "100.64.0.1", "08:00:00", "10:00:00"),
        block(1024, 2047, "100.64.0.2", "10:00:00"),
    ]
    records = [
        dns(1500, "07:59:59"),
        dns(1500, "08:00:00"),
        dns(1500, "09:59:59"),
        dns(1500, "10:00:00"),
    ]

    result = run(engine, build_job, records, blocks)

    assert [
        (f["subscriber"], f["first_seen"].isoformat(), f["last_seen"].isoformat())
        for f in result.findings.to_pylist()
    ] == [
        ("alice", "2026-03-04T08:00:00+00:00", "2026-03-04T09:59:59+00:00"),
        ("bob", "2026-03-04T10:00:00+00:00", "2026-03-04T10:00:00+00:00"),
    ]
    assert [u["evidence"] for u in result.unattributed.to_pylist()] == ["1500@07:59:59"]


def test_it_does_not_translate_an_address_that_is_not_the_block_s_public_address(
    engine, build_job
) -> None:
    result = run(engine, build_job, [dns(1500, client="203.0.113.2")])

    assert [(u["reason"], u["ip"]) for u in result.unattributed.to_pylist()] == [
        ("no lease", "203.0.113.2")
    ]


def test_it_reports_overlapping_blocks_with_the_inside_addresses(engine, build_job, rows) -> None:
    blocks = [*BLOCKS, block(2000, 2100, "100.64.0.9")]

    result = run(engine, build_job, [dns(2047), dns(2101)], blocks)

    assert [f["subscriber"] for f in result.findings.to_pylist()] == ["bob"]
    assert rows(result.unattributed) == [
        {
            "reason": "overlapping CGNAT blocks",
            "ip": PUBLIC,
            "port": 2047,
            "ts": "2026-03-04T10:00:00Z",
            "indicator": "evil.example",
            "candidates": "100.64.0.1;100.64.0.9",
            "evidence": "2047@10:00:00",
        }
    ]


def test_it_reports_a_translated_record_without_a_lease_at_its_inside_address(
    engine, build_job
) -> None:
    blocks = [block(1024, 2047, "100.64.0.77")]

    result = run(engine, build_job, [dns(1500)], blocks)

    assert [(u["reason"], u["ip"], u["port"]) for u in result.unattributed.to_pylist()] == [
        ("no lease", "100.64.0.77", 1500)
    ]
