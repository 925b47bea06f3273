"""The names of a Parquet column read from its dictionary pages alone (``parquet_dictionaries``
and ``duckdb_names``): the same set of values as reading the column in full, or a refusal
whenever the dictionary pages might not hold every value."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching.duckdb_names import RecordNames
from cleannet.engines.matching.parquet_dictionaries import DictionaryFile
from cleannet.engines.matching.schema import RECORD_PARQUET_OPTIONS


def _names(count: int, seed: int = 7) -> list[str | None]:
    rng = random.Random(seed)
    pool = [f"host{i}.zone{i % 97}.example" for i in range(count // 3 + 1)]
    pool += ["xn--bcher-kva.example", "Đà-nẵng.vn", "a" * 300 + ".example", ""]
    return [None if rng.random() < 0.05 else rng.choice(pool) for _ in range(count)]


def _write(path: Path, names: list[str | None], **options: object) -> Path:
    table = pa.table(
        {"ts": pa.array(range(len(names)), pa.int64()), "qname": pa.array(names, pa.string())}
    )
    row_group_size = options.pop("row_group_size", 1_000)
    with pq.ParquetWriter(path, table.schema, **options) as writer:  # type: ignore[arg-type]
        writer.write_table(table, row_group_size=row_group_size)
    return path


def _dictionary_values(paths: list[Path], tmp_path: Path) -> tuple[list[bool], list[str]]:
    target = tmp_path / "dictionaries.parquet"
    out = DictionaryFile(target)
    added = [out.add(path, "qname") for path in paths]
    total = out.close()
    values = pq.read_table(target).column("value").to_pylist()
    assert len(values) == total
    return added, values


def _distinct(path: Path) -> set[str]:
    return {name for name in pq.read_table(path).column("qname").to_pylist() if name is not None}


@pytest.mark.parametrize("compression", ["zstd", "snappy", "gzip", "none", "brotli"])
@pytest.mark.parametrize("page_version", ["1.0", "2.0"])
def test_the_dictionary_pages_hold_every_distinct_value(tmp_path, compression, page_version):
    path = _write(
        tmp_path / "records.parquet",
        _names(5_000),
        compression=compression,
        data_page_version=page_version,
        data_page_size=512,  # many data pages per chunk, all of them checked
    )

    added, values = _dictionary_values([path], tmp_path)

    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    assert added == [True]
    assert set(values) == _distinct(path)
    assert len(values) > len(set(values))  # each row group's dictionary: a name per group


def test_the_node_record_encoding_qualifies(tmp_path):
    path = _write(tmp_path / "records.parquet", _names(3_000), **RECORD_PARQUET_OPTIONS)

    added, values = _dictionary_values([path], tmp_path)

    assert added == [True]
    assert set(values) == _distinct(path)


def test_files_that_do_not_qualify_add_nothing(tmp_path):
    # Without a dictionary; and with a dictionary page limited to 1 KiB, where the writer
    # falls back to PLAIN data pages for the rest of each chunk, whose values are not in the
    # dictionary (the file's metadata lists the same encodings as a qualifying file's).
    plain = _write(tmp_path / "plain.parquet", _names(2_000), use_dictionary=False)
    fallback = _write(
        tmp_path / "fallback.parquet",
        [f"unique-{i}.example" for i in range(20_000)],
        row_group_size=20_000,
        dictionary_pagesize_limit=1024,
        data_page_size=1024,
        write_batch_size=100,
    )
    good = _write(tmp_path / "good.parquet", _names(1_000, seed=3))

    added, values = _dictionary_values([plain, fallback, good], tmp_path)

    assert added == [False, False, True]
    assert set(values) == _distinct(good)


def test_a_missing_or_empty_column_qualifies_with_no_values(tmp_path):
    flows = tmp_path / "flows.parquet"
    pq.write_table(pa.table({"dst_ip": ["192.0.2.1"]}), flows)
    empty = _write(tmp_path / "nulls.parquet", [None] * 100)

    assert _dictionary_values([flows, empty], tmp_path) == ([True, True], [])


def test_binary_broken_and_missing_files_are_refused(tmp_path):
    binary = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"qname": pa.array([b"a.example"], pa.binary())}), binary)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not a parquet file PAR1")

    added, values = _dictionary_values([binary, broken, tmp_path / "missing.parquet"], tmp_path)

    assert (added, values) == ([False, False, False], [])


def test_corrupt_page_headers_are_refused_not_followed(tmp_path):
    path = _write(tmp_path / "records.parquet", _names(2_000), row_group_size=2_000)
    chunk = pq.ParquetFile(path).metadata.row_group(0).column(1)
    start = chunk.dictionary_page_offset
    data = bytearray(path.read_bytes())
    # The dictionary page header's sizes overwritten: a negative uncompressed size (127 is
    # -64 in zigzag) and garbage after it.
    data[start : start + 8] = bytes([0x15, 0x04, 0x15, 0x7F, 0xFF, 0xFF, 0xFF, 0x0F])
    corrupt = tmp_path / "corrupt.parquet"
    corrupt.write_bytes(bytes(data))

    assert _dictionary_values([corrupt], tmp_path) == ([False], [])


def _record_names(files: list[Path], tmp_path: Path) -> set[str]:
    con = duckdb.connect()
    if files:
        listed = ", ".join(f"'{path}'" for path in files)
        reader = f"read_parquet([{listed}], filename = true, union_by_name = true)"
        con.execute(f"CREATE VIEW records AS SELECT * FROM {reader}")  # noqa: S608
    else:
        con.execute("CREATE TABLE records (qname VARCHAR, filename VARCHAR)")
    names = RecordNames(files, tmp_path)
    try:
        names.create_table(con)
    finally:
        names.close()
    return {name for (name,) in con.execute("SELECT qname FROM record_names").fetchall()}


def test_record_names_mix_dictionary_pages_and_full_reads(tmp_path):
    encoded = _write(tmp_path / "a.parquet", _names(3_000, seed=1))
    plain = _write(tmp_path / "b.parquet", _names(3_000, seed=2), use_dictionary=False)
    flows = tmp_path / "c.parquet"
    pq.write_table(pa.table({"ts": pa.array([1], pa.int64()), "dst_ip": ["192.0.2.1"]}), flows)

    found = _record_names([encoded, plain, flows], tmp_path)

    assert found == _distinct(encoded) | _distinct(plain)
    assert list(tmp_path.glob("qname-dictionaries-*")) == []  # the scratch file is gone


def test_record_names_of_no_files_or_no_names_are_empty(tmp_path):
    nulls = _write(tmp_path / "nulls.parquet", [None] * 10)

    assert _record_names([], tmp_path) == set()
    assert _record_names([nulls], tmp_path) == set()


def test_record_names_read_the_files_in_full_when_duckdb_refuses_the_pages(tmp_path, monkeypatch):
    encoded = _write(tmp_path / "a.parquet", _names(3_000, seed=1))

    def damaged(self: DictionaryFile) -> int:  # a footer DuckDB cannot read
        self._out.write(b"not a footer")
        self._out.close()
        return 1

    monkeypatch.setattr(DictionaryFile, "close", damaged)

    assert _record_names([encoded], tmp_path) == _distinct(encoded)
