from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching.logs import NeedsTimezone, UnknownLogFormat, write_records
from cleannet.engines.matching.schema import LOG_RECORD


def test_it_writes_each_log_to_a_zstd_parquet_file_of_log_records(
    fixture: Callable[[str], Path], tmp_path: Path, hcm: ZoneInfo
) -> None:
    inputs = [fixture("nfdump/flows-1.6.csv"), fixture("nfdump/flows-1.7.csv")]
    seen: list[int] = []

    outputs, summary = write_records(
        inputs, "nfdump", tmp_path / "records", tz=hcm, progress=seen.append
    )

    assert [path.name for path in outputs] == [
        "0000-flows-1.6.csv.parquet",
        "0001-flows-1.7.csv.parquet",
    ]
    tables = [pq.read_table(path) for path in outputs]
    assert all(table.schema.equals(LOG_RECORD) for table in tables)
    assert [table.num_rows for table in tables] == [3, 3]
    assert pq.ParquetFile(outputs[0]).metadata.row_group(0).column(0).compression == "ZSTD"
    assert (summary.read, summary.used, summary.bad, summary.skipped) == (16, 6, 5, 5)
    assert seen == sorted(seen)
    assert seen[-1] == 16


def test_it_names_outputs_apart_when_inputs_share_a_name(
    fixture: Callable[[str], Path], compress: Callable[[Path, str, str], Path], tmp_path: Path
) -> None:
    first = compress(fixture("zeek/dns.log"), "gzip", "dns.log.gz")

    outputs, _ = write_records([fixture("zeek/dns.log"), first], "zeek-dns", tmp_path / "out")

    assert [path.name for path in outputs] == ["0000-dns.log.parquet", "0001-dns.log.parquet"]
    assert pq.read_table(outputs[0]).num_rows == pq.read_table(outputs[1]).num_rows == 4


def test_it_returns_a_canonical_parquet_input_unchanged(
    fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    (converted,), _ = write_records([fixture("zeek/conn.log")], "zeek-conn", tmp_path / "a")

    outputs, summary = write_records([converted], "parquet", tmp_path / "b")

    assert outputs == [converted]
    assert (summary.read, summary.used) == (4, 4)
    assert list((tmp_path / "b").iterdir()) == []


def test_it_refuses_an_unknown_format_before_writing_anything(tmp_path: Path) -> None:
    with pytest.raises(UnknownLogFormat):
        write_records([tmp_path / "x.log"], "pcap", tmp_path / "out")

    assert not (tmp_path / "out").exists()


def test_it_raises_needs_timezone_for_a_zoneless_log(
    fixture: Callable[[str], Path], tmp_path: Path
) -> None:
    with pytest.raises(NeedsTimezone):
        write_records([fixture("bind/query.log")], "bind", tmp_path / "out")


def test_row_groups_hold_record_row_group_rows_each_but_the_last(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleannet.engines.matching.logs import convert

    monkeypatch.setattr(convert, "RECORD_ROW_GROUP", 1_000)
    log = tmp_path / "dns.csv"
    lines = [
        f"2026-03-04T10:00:{i % 60:02d}Z,10.0.0.{i % 250},host{i}.example" for i in range(2_500)
    ]
    log.write_text("ts,client_ip,qname\n" + "\n".join(lines) + "\n")

    outputs, summary = write_records([log], "csv", tmp_path / "records")

    metadata = pq.ParquetFile(outputs[0]).metadata
    sizes = [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)]
    assert summary.used == 2_500
    assert sizes == [1_000, 1_000, 500]
    assert pq.read_table(outputs[0]).column("qname").to_pylist()[1_999] == "host1999.example"
