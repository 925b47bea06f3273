from collections.abc import Callable
from pathlib import Path
from typing import Any

from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]


def _key(record: dict[str, Any]) -> tuple[Any, ...]:
    return (
        record["client_ip"],
        record["client_port"],
        record["dst_ip"],
        record["dst_port"],
        record["evidence"],
    )


def test_it_reads_a_zeek_conn_log_in_tsv(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, summary = read(fixture("zeek/conn.log"), "zeek-conn")

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 51000, "198.51.100.7", 443, "conn.log:9"),
        ("2001:db8::1", 51001, "2001:db8::7", 8080, "conn.log:10"),  # upper-case IPv6
        ("192.0.2.6", 8, "198.51.100.8", 0, "conn.log:11"),  # ICMP: type and code as ports
        ("192.0.2.9", 51004, "198.51.100.7", 443, "conn.log:14"),  # IPv4-mapped both sides
    ]
    assert {record["kind"] for record in records} == {"flow"}
    assert {record["qname"] for record in records} == {None}
    assert records[1]["ts"] == utc("2026-11-30T03:00:02.123")
    assert [bad.line for bad in summary.samples] == [12, 13]  # 198.51.100.999, cut short
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (15, 4, 2, 9)


def test_it_reads_a_zeek_conn_log_in_json_lines(
    read: Read, fixture: Callable[[str], Path], utc: Callable
) -> None:
    records, summary = read(fixture("zeek/conn.json.log"), "zeek-conn")

    assert [_key(record) for record in records] == [
        ("192.0.2.5", 51000, "198.51.100.7", 443, "conn.json.log:1"),
        ("2001:db8::1", 51001, "2001:db8::7", 8080, "conn.json.log:2"),
    ]
    assert records[1]["ts"] == utc("2026-11-30T03:00:02.123")
    assert [(bad.line, bad.reason) for bad in summary.samples] == [(3, "has no id.resp_h")]
