import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching.logs import NeedsTimezone
from cleannet.engines.matching.schema import LOG_RECORD, ReadSummary

Read = Callable[..., tuple[list[dict[str, Any]], ReadSummary]]
MAPPING = {"ts": "event_time", "client_ip": "src", "client_port": "sport", "qname": "q"}


def _write(tmp_path: Path, name: str, columns: dict[str, pa.Array]) -> Path:
    path = tmp_path / name
    pq.write_table(pa.table(columns), path)
    return path


def _aware(hour: int, second: int) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, 0, second, tzinfo=dt.UTC)


def test_it_reads_a_mapped_parquet_file_with_typed_columns(
    read: Read, tmp_path: Path, utc: Callable
) -> None:
    path = _write(
        tmp_path,
        "dns.parquet",
        {
            "event_time": pa.array([_aware(3, 1), _aware(3, 2), None], pa.timestamp("ms", "UTC")),
            "src": pa.array(["192.0.2.5", "2001:DB8::1", "192.0.2.6"]),
            "sport": pa.array([53211, None, 70000], pa.int64()),
            "q": pa.array(["WWW.Evil.Example.", "bücher.example", "x.example"]),
            "unused": pa.array([1, 2, 3]),
        },
    )

    records, summary = read(path, "parquet", mapping=MAPPING)

    assert [
        (record["ts"], record["client_ip"], record["client_port"], record["qname"],
         record["evidence"])
        for record in records
    ] == [
        (utc("2026-11-30T03:00:01"), "192.0.2.5", 53211, "www.evil.example", "dns.parquet:1"),
        (utc("2026-11-30T03:00:02"), "2001:db8::1", None, "xn--bcher-kva.example",
         "dns.parquet:2"),
    ]  # fmt: skip
    assert [(bad.line, bad.reason) for bad in summary.samples] == [(3, "time is not usable")]
    assert (summary.read, summary.used, summary.bad) == (3, 2, 1)


def test_it_reads_naive_parquet_timestamps_only_with_tz(
    read: Read, tmp_path: Path, hcm: ZoneInfo, utc: Callable
) -> None:
    path = _write(
        tmp_path,
        "local.parquet",
        {
            "event_time": pa.array([dt.datetime(2026, 11, 30, 10, 0, 1)], pa.timestamp("us")),
            "src": pa.array(["192.0.2.5"]),
            "sport": pa.array([1]),
            "q": pa.array(["evil.example"]),
        },
    )

    with pytest.raises(NeedsTimezone):
        read(path, "parquet", mapping=MAPPING)
    records, _ = read(path, "parquet", tz=hcm, mapping=MAPPING)
    assert [record["ts"] for record in records] == [utc("2026-11-30T03:00:01")]


def test_it_reads_epoch_seconds_from_a_numeric_column(
    read: Read, tmp_path: Path, utc: Callable
) -> None:
    path = _write(
        tmp_path,
        "epoch.parquet",
        {
            "event_time": pa.array([1796007601, 1796007602]),
            "src": pa.array(["192.0.2.5", "192.0.2.6"]),
            "sport": pa.array(["53", ""]),
            "q": pa.array(["a.evil.example", "b.evil.example"]),
        },
    )

    records, _ = read(path, "parquet", mapping=MAPPING)

    assert [(record["ts"], record["client_port"]) for record in records] == [
        (utc("2026-11-30T03:00:01"), 53),
        (utc("2026-11-30T03:00:02"), None),
    ]


def test_it_passes_a_canonical_parquet_file_through_as_it_is(read: Read, tmp_path: Path) -> None:
    rows = [
        {"ts": _aware(3, 1), "kind": "dns", "client_ip": "192.0.2.5", "client_port": 53,
         "qname": "evil.example", "dst_ip": None, "dst_port": None, "url": None,
         "evidence": "dns.log:9"},
    ]  # fmt: skip
    path = tmp_path / "records.parquet"
    pq.write_table(pa.Table.from_pylist(rows, LOG_RECORD), path)

    records, summary = read(path, "parquet", batch_rows=10)

    assert records == rows
    assert (summary.read, summary.used) == (1, 1)


def test_it_takes_canonically_named_columns_without_a_mapping(
    read: Read, tmp_path: Path, utc: Callable
) -> None:
    path = _write(
        tmp_path,
        "named.parquet",
        {
            "ts": pa.array(["2026-11-30T03:00:01Z"]),
            "client_ip": pa.array(["::ffff:192.0.2.5"]),
            "dst_ip": pa.array(["198.51.100.7"]),
            "dst_port": pa.array([443], pa.int32()),
        },
    )

    records, _ = read(path, "parquet")

    assert [(record["kind"], record["client_ip"], record["evidence"]) for record in records] == [
        ("flow", "192.0.2.5", "named.parquet:1")
    ]
