"""The names of a Parquet column read from its dictionary pages alone (``parquet_dictionaries``
and ``duckdb_names``): the same set of values as reading the column in full, or a refusal
(None) whenever the dictionary pages might not hold every value."""

from __future__ import annotations

import random
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cleannet.engines.matching.duckdb_names import RecordNames
from cleannet.engines.matching.parquet_dictionaries import (
    dictionary_pages,
    write_dictionary_file,
)
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
    options.setdefault("row_group_size", 1_000)
    row_group_size = options.pop("row_group_size")
    with pq.ParquetWriter(path, table.schema, **options) as writer:  # type: ignore[arg-type]
        writer.write_table(table, row_group_size=row_group_size)
    return path


def _dictionary_values(path: Path, tmp_path: Path) -> set[str]:
    pages = dictionary_pages(path, "qname")
    assert pages is not None
    target = tmp_path / "dictionaries.parquet"
    total = write_dictionary_file(pages, target)
    values = pq.read_table(target).column("value").to_pylist()
    assert len(values) == total
    return set(values)


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

    assert pq.ParquetFile(path).metadata.num_row_groups == 5
    assert _dictionary_values(path, tmp_path) == _distinct(path)


def test_the_node_record_encoding_qualifies(tmp_path):
    names = _names(3_000)
    path = _write(tmp_path / "records.parquet", names, **RECORD_PARQUET_OPTIONS)

    assert _dictionary_values(path, tmp_path) == _distinct(path)


def test_a_file_without_a_dictionary_is_refused(tmp_path):
    path = _write(tmp_path / "plain.parquet", _names(2_000), use_dictionary=False)

    assert dictionary_pages(path, "qname") is None


def test_a_chunk_that_fell_back_to_plain_pages_is_refused(tmp_path):
    # A dictionary page limited to 1 KiB: the writer falls back to PLAIN data pages for the
    # rest of each chunk, whose values are not in the dictionary (the file's metadata lists
    # the same encodings as a wholly dictionary-encoded file's).
    names = [f"unique-{i}.example" for i in range(20_000)]
    path = _write(
        tmp_path / "fallback.parquet",
        names,
        row_group_size=20_000,
        dictionary_pagesize_limit=1024,
        data_page_size=1024,
        write_batch_size=100,
    )

    assert dictionary_pages(path, "qname") is None


def test_a_missing_or_empty_column_gives_no_pages(tmp_path):
    flows = tmp_path / "flows.parquet"
    pq.write_table(pa.table({"dst_ip": ["192.0.2.1"]}), flows)
    empty = _write(tmp_path / "nulls.parquet", [None] * 100)

    assert dictionary_pages(flows, "qname") == []
    assert dictionary_pages(empty, "qname") == []


def test_binary_and_broken_files_are_refused(tmp_path):
    binary = tmp_path / "binary.parquet"
    pq.write_table(pa.table({"qname": pa.array([b"a.example"], pa.binary())}), binary)
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(b"PAR1 this is not a parquet file PAR1")

    assert dictionary_pages(binary, "qname") is None
    assert dictionary_pages(broken, "qname") is None


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
