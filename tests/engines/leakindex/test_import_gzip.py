"""Compressed input: gzip found by its magic bytes; a damaged file keeps what was read."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import Kind, RangeStore, hash_identifier, import_file

Open = Callable[[Path], RangeStore]


def test_it_reads_a_gzipped_csv_with_a_bom(fixtures: Path, tmp_path: Path, opened: Open) -> None:
    source = tmp_path / "customers.csv.gz"
    source.write_bytes(gzip.compress((fixtures / "customers.csv").read_bytes()))

    summary = import_file(source, Kind.EMAIL, tmp_path / "e.store")

    assert (summary.read, summary.used, summary.bad, summary.skipped) == (10, 5, 3, 2)
    assert (
        opened(tmp_path / "e.store").count(hash_identifier(Kind.EMAIL, "Nguyen.VanA@gmail.com"))
        == 2
    )


def test_it_reads_gzip_whatever_the_file_is_called(fixtures: Path, tmp_path: Path) -> None:
    source = tmp_path / "passwords.txt"
    source.write_bytes(gzip.compress((fixtures / "passwords.txt").read_bytes()))

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store")

    assert (summary.read, summary.used) == (12, 10)


def test_it_keeps_the_rows_before_a_gzip_file_is_cut_short(tmp_path: Path, opened: Open) -> None:
    lines = b"".join(f"password{i}\n".encode() for i in range(200_000))
    packed = gzip.compress(lines)
    source = tmp_path / "cut.txt.gz"
    source.write_bytes(packed[: len(packed) // 2])

    summary = import_file(source, Kind.PASSWORD_SHA1, tmp_path / "s.store")

    assert 0 < summary.read < 200_000
    assert summary.read == summary.used + summary.bad + summary.skipped
    assert [bad.reason for bad in summary.incomplete] == [
        "the compressed file is damaged or cut short"
    ]
    assert len(opened(tmp_path / "s.store")) == summary.used
