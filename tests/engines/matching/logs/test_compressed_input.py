from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cleannet.engines.matching.schema import ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]
Compress = Callable[[Path, str, str], Path]


@pytest.mark.parametrize(
    ("how", "name"),
    [
        ("gzip", "dns.log.gz"),
        ("zstd", "dns.log.zst"),
        ("gzip-members", "dns.log.gz"),  # two gzip members in a row
        ("gzip", "dns.log.1"),  # rotated and compressed, no extension says so
        ("zstd", "dns.log.gz"),  # an extension that lies
    ],
)
def test_it_reads_a_compressed_zeek_log_by_its_magic_bytes(
    read: Read, fixture: Callable[[str], Path], compress: Compress, how: str, name: str
) -> None:
    plain, plain_summary = read(fixture("zeek/dns.log"), "zeek-dns")

    records, summary = read(compress(fixture("zeek/dns.log"), how, name), "zeek-dns")

    assert [record["qname"] for record in records] == [record["qname"] for record in plain]
    assert [record["evidence"].split(":")[1] for record in records] == [
        record["evidence"].split(":")[1] for record in plain
    ]
    assert (summary.read, summary.used, summary.bad) == (
        plain_summary.read,
        plain_summary.used,
        plain_summary.bad,
    )


@pytest.mark.parametrize("how", ["gzip", "zstd"])
def test_it_reads_a_compressed_csv_through_pyarrow(
    read: Read, fixture: Callable[[str], Path], compress: Compress, how: str
) -> None:
    mapping = {"ts": "time", "client_ip": "src", "client_port": "sport", "qname": "query"}
    path = compress(fixture("csv/dns-export.csv"), how, "dns-export.csv.x")

    records, summary = read(path, "csv", mapping=mapping)

    assert [record["evidence"] for record in records] == [
        "dns-export.csv.x:2",
        "dns-export.csv.x:3",
        "dns-export.csv.x:4",
        "dns-export.csv.x:11",
    ]
    assert summary.bad == 4


def test_it_reads_a_compressed_bind_log_with_local_times(
    read: Read, fixture: Callable[[str], Path], compress: Compress, hcm: ZoneInfo
) -> None:
    records, _ = read(compress(fixture("bind/query.log"), "zstd", "query.log.zst"), "bind", tz=hcm)

    assert [record["evidence"] for record in records][:2] == ["query.log.zst:1", "query.log.zst:2"]
