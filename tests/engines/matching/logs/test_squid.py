from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (
        record["client_ip"],
        record["qname"],
        record["dst_ip"],
        record["dst_port"],
        record["url"],
        record["evidence"],
    )


def test_it_reads_squid_requests_with_canonical_urls_and_their_hosts(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, _ = read(fixture("squid/access.log"), "squid")

    assert [_key(record) for record in records] == [
        # the origin server's address from HIER_DIRECT
        ("192.0.2.5", "evil.example", "198.51.100.7", None, "http://evil.example/x.exe",
         "access.log:1"),
        # CONNECT: host and port, no URL; an IPv4-mapped client; a name with an end dot
        ("192.0.2.6", "evil.example", "198.51.100.7", 443, None, "access.log:2"),
        ("2001:db8::1", None, "2001:db8::7", None, "http://[2001:db8::7]/gate.php?id=1",
         "access.log:3"),
        # a denied request is still evidence; IDN and ../ canonicalised
        ("192.0.2.5", "xn--bcher-kva.example", None, None, "http://xn--bcher-kva.example/b.html",
         "access.log:4"),
        # an address as host; a parent proxy's address is never the destination
        ("192.0.2.5", None, "198.51.100.9", None, "http://198.51.100.9/x", "access.log:6"),
        ("192.0.2.5", "a.example", None, None, "http://a.example/y", "access.log:7"),
        ("192.0.2.5", None, "2001:db8::8", 8443, None, "access.log:11"),
        ("192.0.2.5", "login.evil.example", "198.51.100.10", None,
         "http://login.evil.example/~admin/panel.php", "access.log:14"),
    ]  # fmt: skip
    assert {record["kind"] for record in records} == {"http"}
    assert records[0]["ts"] == utc("2026-11-30T03:00:01.123")


def test_it_counts_squid_lines_without_a_request_as_skipped_and_broken_ones_as_bad(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    _, summary = read(fixture("squid/access.log"), "squid")

    # cut short, not a time, a host name where the client address belongs
    assert [bad.line for bad in summary.samples] == [8, 9, 10]
    # NONE error:invalid-request, the blank line, CONNECT to a single-label name
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (14, 8, 3, 3)


def test_it_keeps_a_request_whose_url_has_bytes_that_are_not_utf8(
    read: Read, tmp_path: Path
) -> None:
    log = tmp_path / "access.log"
    log.write_bytes(
        b"1796007601.000 1 192.0.2.5 TCP_MISS/200 1 GET http://evil.example/caf\xe9 - "
        b"HIER_DIRECT/198.51.100.7 text/html\n"
    )

    records, summary = read(log, "squid")

    assert [(record["qname"], record["url"]) for record in records] == [
        ("evil.example", "http://evil.example/caf%EF%BF%BD")  # U+FFFD, escaped
    ]
    assert summary.bad == 0
