"""Every fixture, read in full and in tiny batches: counts reconcile and values are canonical."""

from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cleannet.core.indicators import canonicalise_url, ipv4_mapped, normalise_domain, normalise_ip
from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]
DNS_MAPPING = {"ts": "time", "client_ip": "src", "client_port": "sport", "qname": "query"}
FLOW_MAPPING = {"ts": "ts", "client_ip": "src", "dst_ip": "dst", "dst_port": "dport"}
CASES = [
    ("bind/query.log", "bind", None),
    ("bind/query-iso-utc.log", "bind", None),
    ("zeek/dns.log", "zeek-dns", None),
    ("zeek/dns.json.log", "zeek-dns", None),
    ("zeek/dns-nometa.log", "zeek-dns", None),
    ("zeek/conn.log", "zeek-conn", None),
    ("zeek/conn.json.log", "zeek-conn", None),
    ("nfdump/flows-1.6.csv", "nfdump", None),
    ("nfdump/flows-1.7.csv", "nfdump", None),
    ("nfdump/flows-fast.csv", "nfdump", None),
    ("squid/access.log", "squid", None),
    ("csv/dns-export.csv", "csv", DNS_MAPPING),
    ("csv/flows-local.csv", "csv", FLOW_MAPPING),
]


def _canonical_ip(text: str) -> str:
    address = normalise_ip(text)
    return ipv4_mapped(address) or address if address.startswith("::ffff:") else address


@pytest.mark.parametrize(("name", "fmt", "mapping"), CASES)
def test_it_accounts_for_every_line_read(
    read: Read,
    fixture: Callable[[str], Path],
    hcm: ZoneInfo,
    name: str,
    fmt: str,
    mapping: dict[str, str] | None,
) -> None:
    records, summary = read(fixture(name), fmt, tz=hcm, mapping=mapping)

    assert summary.read == summary.used + summary.bad + summary.skipped
    assert summary.used == len(records) > 0
    assert summary.bad == len(summary.samples)
    if fmt != "csv":  # text formats count every physical line
        assert summary.read == len(fixture(name).read_text().splitlines())


@pytest.mark.parametrize(("name", "fmt", "mapping"), CASES)
def test_it_gives_the_same_records_in_batches_of_two(
    read: Read,
    fixture: Callable[[str], Path],
    hcm: ZoneInfo,
    name: str,
    fmt: str,
    mapping: dict[str, str] | None,
) -> None:
    whole, whole_summary = read(fixture(name), fmt, tz=hcm, mapping=mapping)

    batched, summary = read(fixture(name), fmt, tz=hcm, mapping=mapping, batch_rows=2)

    assert batched == whole
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (
        whole_summary.read,
        whole_summary.used,
        whole_summary.bad,
        whole_summary.skipped,
    )


@pytest.mark.parametrize(("name", "fmt", "mapping"), CASES)
def test_it_writes_only_values_core_holds_canonical(
    read: Read,
    fixture: Callable[[str], Path],
    hcm: ZoneInfo,
    name: str,
    fmt: str,
    mapping: dict[str, str] | None,
) -> None:
    records, _ = read(fixture(name), fmt, tz=hcm, mapping=mapping)

    for record in records:
        assert record["client_ip"] == _canonical_ip(record["client_ip"])
        assert not record["client_ip"].startswith("::ffff:")
        assert record["dst_ip"] is None or record["dst_ip"] == _canonical_ip(record["dst_ip"])
        assert record["qname"] is None or record["qname"] == normalise_domain(record["qname"])
        assert record["url"] is None or record["url"] == canonicalise_url(record["url"])
        assert record["kind"] in {"dns", "flow", "http"}
        assert record["evidence"].startswith(Path(name).name + ":")
