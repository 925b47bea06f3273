"""Records written as the log readers write them match exactly as plainly written records do."""

import dataclasses

import pyarrow.parquet as pq

from cleannet.engines.matching import LOG_RECORD
from cleannet.engines.matching.schema import RECORD_PARQUET_OPTIONS

ALICE = [{"subscriber": "alice", "ip": "100.64.0.1", "start": "2026-01-01T00:00:00Z"}]
INDICATORS = [
    {"kind": "domain", "value": "evil.example", "family": "mirai"},
    {"kind": "domain", "value": "cdn.evil.example", "valid_until": "2026-03-04T12:00:00Z"},
    {"kind": "ip", "value": "198.51.100.7", "family": "mozi"},
]


def _records() -> list[dict[str, object]]:
    names = ["evil.example", "a.cdn.evil.example", "notevil.example", None, "www.evil.example"]
    records: list[dict[str, object]] = [
        {
            "ts": f"2026-03-04T{hour:02d}:00:0{n % 10}Z",
            "client_ip": "100.64.0.1",
            "qname": names[n % len(names)],
        }
        for n, hour in enumerate(range(0, 24))
    ]
    flow = {"ts": "2026-03-04T10:00:00Z", "client_ip": "100.64.0.9", "kind": "flow"}
    return [*records, {**flow, "dst_ip": "198.51.100.7", "dst_port": 443}]


def _rewrite_as_the_readers_do(source: str, target: str) -> None:
    with pq.ParquetWriter(target, LOG_RECORD, **RECORD_PARQUET_OPTIONS) as writer:
        writer.write_table(pq.read_table(source))


def test_it_writes_names_as_a_dictionary_and_times_delta_packed(build_job, tmp_path) -> None:
    job = build_job(records=_records(), indicators=INDICATORS, leases=ALICE)
    encoded = tmp_path / "encoded.parquet"

    _rewrite_as_the_readers_do(str(job.records[0]), str(encoded))

    columns = pq.ParquetFile(encoded).metadata.row_group(0)
    encodings = {columns.column(i).path_in_schema: columns.column(i).encodings for i in range(9)}
    assert "RLE_DICTIONARY" in encodings["qname"]
    assert "DELTA_BINARY_PACKED" in encodings["ts"]
    assert "RLE_DICTIONARY" not in encodings["evidence"]
    codecs = {columns.column(i).path_in_schema: columns.column(i).compression for i in range(9)}
    assert codecs["client_ip"] == "LZ4"  # LZ4_RAW in the file
    assert {codec for column, codec in codecs.items() if column != "client_ip"} == {"ZSTD"}


def test_it_matches_records_written_as_the_readers_write_them(
    engine, build_job, rows, tmp_path
) -> None:
    job = build_job(records=_records(), indicators=INDICATORS, leases=ALICE)
    encoded = tmp_path / "encoded.parquet"
    _rewrite_as_the_readers_do(str(job.records[0]), str(encoded))

    plain = engine.run(job)
    again = engine.run(dataclasses.replace(job, records=[encoded]))

    assert (plain.findings.num_rows, plain.unattributed.num_rows) == (2, 1)  # the flow: no lease
    assert rows(again.findings) == rows(plain.findings)
    assert rows(again.unattributed) == rows(plain.unattributed)
    assert (again.records_read, again.records_matched) == (
        plain.records_read,
        plain.records_matched,
    )
