"""Domain indicators match the name and every name under it, never a name that merely ends alike."""

ALICE = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-01-01T00:00:00Z"}]


def dns(name: str | None, second: str = "10:00:00", **extra: object) -> dict[str, object]:
    return {"ts": f"2026-03-04T{second}Z", "client_ip": "100.64.0.1", "qname": name, **extra}


def domain(value: str, text: str | None = None, family: str | None = "mirai") -> dict[str, object]:
    return {"kind": "domain", "value": value, "indicator": text or value, "family": family}


def matched_names(engine, build_job, names: list[str], indicators: list[dict[str, object]]):
    """Return (name, indicator) per match: without leases every match is reported apart."""
    records = [dns(name, evidence=name) for name in names]
    result = engine.run(build_job(records=records, indicators=indicators))
    return sorted((u["evidence"], u["indicator"]) for u in result.unattributed.to_pylist())


def test_it_matches_the_name_itself_and_names_under_it(engine, build_job) -> None:
    names = ["evil.example", "a.evil.example", "a.b.evil.example"]

    found = matched_names(engine, build_job, names, [domain("evil.example")])

    assert found == [(name, "evil.example") for name in sorted(names)]


def test_it_does_not_match_a_name_that_merely_ends_with_the_same_letters(engine, build_job) -> None:
    names = ["notevil.example", "evil.example.com", "example", "vil.example", "xevil.example"]

    assert matched_names(engine, build_job, names, [domain("evil.example")]) == []


def test_it_reports_the_indicator_as_written_in_the_indicator_input(engine, build_job) -> None:
    found = matched_names(
        engine, build_job, ["www.evil.example"], [domain("evil.example", "EVIL.Example.")]
    )

    assert found == [("www.evil.example", "EVIL.Example.")]


def test_it_matches_an_idn_name_in_punycode_as_the_readers_normalise_it(engine, build_job) -> None:
    # normalise_domain("WWW.NgânHàng.vn.") and normalise_domain("NgânHàng.VN")
    found = matched_names(
        engine,
        build_job,
        ["www.xn--ngnhng-ltan.vn", "xn--ngnhng-ltan.com"],
        [domain("xn--ngnhng-ltan.vn", "NgânHàng.VN")],
    )

    assert found == [("www.xn--ngnhng-ltan.vn", "NgânHàng.VN")]


def test_it_gives_one_finding_per_indicator_when_a_name_is_under_two(engine, build_job) -> None:
    indicators = [domain("evil.example"), domain("cdn.evil.example"), domain("x.cdn.evil.example")]

    found = matched_names(engine, build_job, ["a.cdn.evil.example"], indicators)

    assert found == [
        ("a.cdn.evil.example", "cdn.evil.example"),
        ("a.cdn.evil.example", "evil.example"),
    ]


def test_it_matches_the_host_of_a_web_request(engine, build_job) -> None:
    request = dns("dl.evil.example", kind="http", url="http://dl.evil.example/x.bin")

    result = engine.run(
        build_job(records=[request], indicators=[domain("evil.example")], leases=ALICE)
    )

    assert [
        (f["indicator_kind"], f["indicator"], f["evidence"]) for f in result.findings.to_pylist()
    ] == [("domain", "evil.example", "records:1")]


def test_it_does_not_match_a_record_without_a_name(engine, build_job) -> None:
    flow = {
        "ts": "2026-03-04T10:00:00Z",
        "client_ip": "100.64.0.1",
        "kind": "flow",
        "dst_ip": "198.51.100.7",
    }

    result = engine.run(
        build_job(records=[flow], indicators=[domain("evil.example")], leases=ALICE)
    )

    assert result.findings.num_rows == 0
    assert result.records_matched == 0
