"""Large imports stream: rows go through small chunks on disk, never all in memory."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from cleannet.engines.leakindex import Kind, RangeStore, hash_identifier, import_files

Open = Callable[[Path], RangeStore]


def test_it_builds_a_store_from_many_chunks_and_files(tmp_path: Path, opened: Open) -> None:
    first = tmp_path / "part1.txt"
    first.write_bytes(b"".join(f"pw{i % 30_000}\n".encode() for i in range(60_000)))
    second = tmp_path / "part2.txt.gz"
    second.write_bytes(gzip.compress(b"".join(f"pw{i}\n".encode() for i in range(25_000, 40_000))))
    outputs = {Kind.PASSWORD_SHA1: tmp_path / "s.store", Kind.PASSWORD_NTLM: tmp_path / "n.store"}

    summary = import_files([first, second], outputs, chunk_records=4096)

    assert (summary.read, summary.used) == (75_000, 75_000)
    assert summary.records == {Kind.PASSWORD_SHA1: 40_000, Kind.PASSWORD_NTLM: 40_000}
    assert summary.duplicates(Kind.PASSWORD_SHA1) == 35_000
    sha1, ntlm = opened(outputs[Kind.PASSWORD_SHA1]), opened(outputs[Kind.PASSWORD_NTLM])
    assert sha1.count(hash_identifier(Kind.PASSWORD_SHA1, "pw7")) == 2
    assert sha1.count(hash_identifier(Kind.PASSWORD_SHA1, "pw27000")) == 3
    assert ntlm.count(hash_identifier(Kind.PASSWORD_NTLM, "pw39999")) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
