from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (record["client_ip"], record["client_port"], record["qname"], record["evidence"])


def test_it_reads_a_zeek_dns_log_in_tsv_with_its_header(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, summary = read(fixture("zeek/dns.log"), "zeek-dns")

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 53211, "www.example.com", "dns.log:9"),
        ("2001:db8::1", 5353, "a.b.evil.example", "dns.log:10"),
        ("192.0.2.7", 40004, "xn--bcher-kva.example", "dns.log:15"),  # IPv4-mapped client
        ("192.0.2.8", 40006, "_ldap._tcp.dc._msdcs.corp.example", "dns.log:17"),
    ]
    assert [record["ts"] for record in records[:2]] == [
        utc("2026-11-30T03:00:01.123456"),
        utc("2026-11-30T03:00:02.5"),
    ]
    # header lines, #close, an unset query and an escaped binary name are skipped
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (18, 4, 3, 11)


def test_it_counts_truncated_and_malformed_tsv_lines_as_bad(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    _, summary = read(fixture("zeek/dns.log"), "zeek-dns")

    assert [(bad.line, bad.reason.split(" ")[0]) for bad in summary.samples] == [
        (12, "has"),  # 12 fields where #fields declares 24
        (13, "id.orig_h"),
        (16, "time"),
    ]
    assert "24" in summary.samples[0].reason


def test_it_reads_a_zeek_dns_log_in_json_lines(
    read: Read, fixture: Callable[[str], Path], hcm: ZoneInfo, utc: Callable
) -> None:
    records, summary = read(fixture("zeek/dns.json.log"), "zeek-dns", tz=hcm)

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 53211, "www.example.com", "dns.json.log:1"),
        ("2001:db8::1", 5353, "xn--bcher-kva.example", "dns.json.log:2"),  # nested "id", IDN
        ("192.0.2.5", 1, "y.example", "dns.json.log:8"),  # ISO time without zone, in tz
    ]
    assert [record["ts"] for record in records] == [
        utc("2026-11-30T03:00:01.123456"),
        utc("2026-11-30T03:00:02.5"),
        utc("2026-11-30T03:00:07"),
    ]
    assert [bad.line for bad in summary.samples] == [5, 6, 7]  # cut short, a list, port 70000
    assert (summary.read, summary.skipped) == (8, 2)  # a blank line, a record without query


def test_it_refuses_a_zoneless_json_time_after_the_first_record_as_a_bad_line(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    records, summary = read(fixture("zeek/dns.json.log"), "zeek-dns")

    assert len(records) == 2
    assert summary.samples[-1].line == 8
    assert "--tz" in summary.samples[-1].reason


def test_it_reads_a_tsv_log_written_without_meta_lines_in_zeeks_default_order(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    records, summary = read(fixture("zeek/dns-nometa.log"), "zeek-dns")

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 53211, "evil.example", "dns-nometa.log:1"),
        ("192.0.2.6", 53212, "other.example", "dns-nometa.log:2"),
    ]
    assert summary.bad == 0


def test_it_follows_a_declared_separator_other_than_tab(read: Read, tmp_path: Path) -> None:
    log = tmp_path / "dns.log"
    log.write_text(
        "#separator \\x2c\n#fields,ts,uid,id.orig_h,id.orig_p,query\n"
        "1796007601.5,C1,192.0.2.5,53,Evil.Example\n"
    )

    records, _ = read(log, "zeek-dns")

    assert [_key(record) for record in records] == [("192.0.2.5", 53, "evil.example", "dns.log:3")]


def test_it_reports_a_conn_log_read_as_dns_as_bad_lines_naming_the_missing_field(
    read: Read, fixture: Callable[[str], Path]
) -> None:
    records, summary = read(fixture("zeek/conn.log"), "zeek-dns")

    assert records == []
    assert "query" in summary.samples[0].reason
    assert summary.bad == 6
