"""An indicator matches only records inside its validity window: valid_from <= ts < valid_until."""

ALICE = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-01-01T00:00:00Z"}]


def dns(moment: str) -> dict[str, object]:
    return {
        "ts": f"2026-03-04T{moment}Z",
        "client_ip": "100.64.0.1",
        "qname": "evil.example",
        "evidence": moment,
    }


def window(start: str | None, end: str | None, family: str | None = None) -> dict[str, object]:
    return {
        "kind": "domain",
        "value": "evil.example",
        "family": family,
        "valid_from": start and f"2026-03-04T{start}Z",
        "valid_until": end and f"2026-03-04T{end}Z",
    }


def matched_moments(engine, build_job, moments: list[str], indicators) -> list[str]:
    """Return the moments of the records that matched (reported apart, without leases)."""
    result = engine.run(build_job(records=[dns(m) for m in moments], indicators=indicators))
    return sorted(u["evidence"] for u in result.unattributed.to_pylist())


def test_it_matches_from_the_first_microsecond_to_just_before_the_end(engine, build_job) -> None:
    moments = ["09:59:59.999999", "10:00:00", "11:59:59.999999", "12:00:00", "12:00:01"]

    found = matched_moments(engine, build_job, moments, [window("10:00:00", "12:00:00")])

    assert found == ["10:00:00", "11:59:59.999999"]


def test_it_leaves_a_window_open_where_a_bound_is_null(engine, build_job) -> None:
    indicators = [window(None, "01:00:00"), window("23:00:00", None)]
    moments = ["00:00:00", "00:59:59", "01:00:00", "22:59:59", "23:00:00", "23:59:59"]

    found = matched_moments(engine, build_job, moments, indicators)

    assert found == ["00:00:00", "00:59:59", "23:00:00", "23:59:59"]


def test_it_counts_a_record_once_when_two_windows_of_one_indicator_cover_it(
    engine, build_job
) -> None:
    indicators = [window("09:00:00", "11:00:00"), window("10:00:00", "12:00:00")]
    records = [dns("10:30:00"), dns("11:30:00")]

    result = engine.run(build_job(records=records, indicators=indicators, leases=ALICE))

    assert [(f["indicator"], f["count"]) for f in result.findings.to_pylist()] == [
        ("evil.example", 2)
    ]
    assert result.records_matched == 2


def test_it_gives_an_indicator_the_smallest_family_of_all_its_rows(engine, build_job) -> None:
    indicators = [
        window("09:00:00", "11:00:00", None),
        window("10:00:00", "12:00:00", "mozi"),
        window("20:00:00", "21:00:00", "emotet"),
    ]

    result = engine.run(build_job(records=[dns("10:30:00")], indicators=indicators, leases=ALICE))

    assert [f["family"] for f in result.findings.to_pylist()] == ["emotet"]
    assert [d["family"] for d in result.daily_counts.to_pylist()] == ["emotet"]


def test_it_leaves_the_family_null_when_no_row_of_the_indicator_has_one(engine, build_job) -> None:
    result = engine.run(
        build_job(records=[dns("10:30:00")], indicators=[window(None, None)], leases=ALICE)
    )

    assert [f["family"] for f in result.findings.to_pylist()] == [None]
