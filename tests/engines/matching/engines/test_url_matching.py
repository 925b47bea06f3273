"""URL indicators match the same canonical URL, or every URL under one that ends in "/"; IP
and CIDR indicators also match a web request whose URL host is an address."""


def request(url: str, host: str | None = None, **extra: object) -> dict[str, object]:
    return {
        "ts": "2026-03-04T10:00:00Z",
        "client_ip": "100.64.0.1",
        "kind": "http",
        "url": url,
        "qname": host,
        "evidence": url,
        **extra,
    }


def matched(engine, build_job, records, indicators) -> list[tuple[str, str]]:
    """Return (url, indicator) per match: without leases every match is reported apart."""
    result = engine.run(build_job(records=records, indicators=indicators))
    return sorted((u["evidence"], u["indicator"]) for u in result.unattributed.to_pylist())


def test_it_matches_a_url_exactly_when_the_indicator_does_not_end_in_a_slash(
    engine, build_job
) -> None:
    urls = [
        "http://site.example/a.exe",
        "http://site.example/a.exe?x=1",
        "http://site.example/a.exe/",
        "http://site.example/a.ex",
        "https://site.example/a.exe",
    ]
    indicators = [{"kind": "url", "value": "http://site.example/a.exe"}]

    assert matched(engine, build_job, [request(u) for u in urls], indicators) == [
        ("http://site.example/a.exe", "http://site.example/a.exe")
    ]


def test_it_matches_every_url_under_an_indicator_that_ends_in_a_slash(engine, build_job) -> None:
    under = [
        "http://site.example/dl/",
        "http://site.example/dl/x.bin",
        "http://site.example/dl/a/b/c?q=1",
    ]
    beside = [
        "http://site.example/dlx",
        "http://site.example/",
        "http://site.example/dl",
        "http://a.site.example/dl/x.bin",
    ]
    indicators = [{"kind": "url", "value": "http://site.example/dl/"}]

    found = matched(engine, build_job, [request(u) for u in under + beside], indicators)

    assert found == [(u, "http://site.example/dl/") for u in sorted(under)]


def test_it_matches_every_path_of_a_host_for_an_indicator_of_the_host_root(
    engine, build_job
) -> None:
    urls = ["http://evil.example/", "http://evil.example/x?y=/z/", "http://evil.example.com/"]
    indicators = [{"kind": "url", "value": "http://evil.example/", "indicator": "evil.example/"}]

    assert matched(engine, build_job, [request(u) for u in urls], indicators) == [
        ("http://evil.example/", "evil.example/"),
        ("http://evil.example/x?y=/z/", "evil.example/"),
    ]


def test_it_matches_ip_indicators_on_a_url_whose_host_is_an_address(engine, build_job) -> None:
    records = [
        request("http://198.51.100.77/bin/x"),
        request("http://[2001:db8::77]/x"),
        request("http://198.51.100.78/bin/x"),
        request("http://a198.51.100.77/"),
    ]
    indicators = [{"kind": "ip", "value": "198.51.100.77"}, {"kind": "ip", "value": "2001:db8::77"}]

    assert matched(engine, build_job, records, indicators) == [
        ("http://198.51.100.77/bin/x", "198.51.100.77"),
        ("http://[2001:db8::77]/x", "2001:db8::77"),
    ]


def test_it_matches_cidr_indicators_on_a_url_whose_host_is_an_address(engine, build_job) -> None:
    records = [
        request("http://198.51.100.77/"),
        request("http://[2001:db8:bad::1]/x"),
        request("http://198.51.101.1/"),
    ]
    indicators = [
        {"kind": "cidr", "value": "198.51.100.0/24"},
        {"kind": "cidr", "value": "2001:db8:bad::/48"},
    ]

    assert matched(engine, build_job, records, indicators) == [
        ("http://198.51.100.77/", "198.51.100.0/24"),
        ("http://[2001:db8:bad::1]/x", "2001:db8:bad::/48"),
    ]


def test_it_counts_a_request_once_when_its_url_host_and_destination_are_the_address(
    engine, build_job
) -> None:
    proxied = request("http://198.51.100.77/x", dst_ip="198.51.100.77")
    indicators = [{"kind": "ip", "value": "198.51.100.77"}]

    assert matched(engine, build_job, [proxied], indicators) == [
        ("http://198.51.100.77/x", "198.51.100.77")
    ]
