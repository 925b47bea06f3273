"""Building stores out of core: sorted chunks, merged by windows, counts of equal hashes added."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from cleannet.engines.leakindex import (
    Kind,
    RangeStore,
    StoreBuilder,
    build_store,
    merge_stores,
    store_build,
)
from cleannet.engines.leakindex.store import MAX_COUNT, PREFIXES


def digest(n: int) -> bytes:
    return hashlib.sha1(str(n).encode(), usedforsecurity=False).digest()


def all_records(store: RangeStore) -> list[tuple[bytes, int]]:
    return [(bytes(r["hash"]), int(r["count"])) for r in store.records]


def test_it_adds_the_counts_of_a_hash_repeated_across_chunks(tmp_path: Path) -> None:
    # 5,000 rows of 1,000 passwords in chunks of 700: every hash recurs in several chunks.
    rows = [digest(i % 1000) for i in range(5000)]
    path = tmp_path / "passwords.store"

    written = build_store(rows, path, Kind.PASSWORD_SHA1, chunk_records=700)

    with RangeStore.open(path) as store:
        records = all_records(store)
    assert written == len(records) == 1000
    assert records == sorted((digest(i), 5) for i in range(1000))


def test_it_sorts_hashes_that_share_their_first_eight_bytes(tmp_path: Path) -> None:
    # Equal first 64 bits, different tails: the fast sort alone would leave them unordered.
    head = bytes.fromhex("5BAA61E4C9B93F3F")
    tails = [os.urandom(12) for _ in range(300)]
    rows = [(head + tail, 1) for tail in tails] + [(head + tails[0], 4)]

    build_store(rows, tmp_path / "s.store", Kind.PASSWORD_SHA1)

    with RangeStore.open(tmp_path / "s.store") as store:
        records = all_records(store)
        assert store.count(head + tails[0]) == 5
    assert [h for h, _ in records] == sorted({head + tail for tail in tails})


def test_it_writes_a_prefix_table_that_finds_every_record(tmp_path: Path) -> None:
    rows = [digest(i) for i in range(20_000)]
    build_store(rows, tmp_path / "s.store", Kind.PASSWORD_SHA1, chunk_records=3000)

    with RangeStore.open(tmp_path / "s.store") as store:
        assert len(store.table) == PREFIXES + 1
        assert int(store.table[0]) == 0 and int(store.table[-1]) == 20_000
        assert all(store.count(row) == 1 for row in rows[::97])
        found = sum(len(store.range(row[:3].hex()[:5])) for row in rows[:50])
    assert found >= 50


def test_it_merges_many_chunks_in_rounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_build, "MAX_FAN_IN", 3)
    rows = [digest(i % 900) for i in range(3000)]

    written = build_store(rows, tmp_path / "s.store", Kind.PASSWORD_SHA1, chunk_records=250)

    with RangeStore.open(tmp_path / "s.store") as store:
        assert written == 900
        assert store.count(digest(1)) == 4  # i = 1, 901, 1801, 2701
        assert store.count(digest(899)) == 3
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no chunk left


def test_it_merges_stores_of_several_breaches(tmp_path: Path) -> None:
    build_store([(digest(1), 2), (digest(2), 1)], tmp_path / "a.store", Kind.PASSWORD_SHA1)
    build_store([(digest(2), 5), (digest(3), 1)], tmp_path / "b.store", Kind.PASSWORD_SHA1)

    written = merge_stores([tmp_path / "a.store", tmp_path / "b.store"], tmp_path / "all.store")

    with RangeStore.open(tmp_path / "all.store") as merged:
        assert written == 3
        assert [merged.count(digest(i)) for i in (1, 2, 3)] == [2, 6, 1]


def test_it_merges_window_by_window_with_little_memory(tmp_path: Path) -> None:
    build_store([digest(i) for i in range(3000)], tmp_path / "a.store", Kind.PASSWORD_SHA1)
    build_store([digest(i) for i in range(1500, 4000)], tmp_path / "b.store", Kind.PASSWORD_SHA1)

    merge_stores(
        [tmp_path / "a.store", tmp_path / "b.store"], tmp_path / "m.store", window_records=64
    )

    with RangeStore.open(tmp_path / "m.store") as merged:
        assert len(merged) == 4000
        assert merged.count(digest(2000)) == 2 and merged.count(digest(10)) == 1
        assert all_records(merged) == sorted(all_records(merged))


def test_it_refuses_to_merge_stores_of_different_kinds(tmp_path: Path) -> None:
    build_store([digest(1)], tmp_path / "a.store", Kind.PASSWORD_SHA1)
    build_store([digest(1)], tmp_path / "b.store", Kind.EMAIL)

    with pytest.raises(ValueError, match="different kinds"):
        merge_stores([tmp_path / "a.store", tmp_path / "b.store"], tmp_path / "m.store")


def test_it_saturates_a_count_at_the_largest_uint32(tmp_path: Path) -> None:
    rows = [(digest(1), MAX_COUNT - 1), (digest(1), 5), (digest(2), 10**12)]

    build_store(rows, tmp_path / "s.store", Kind.PASSWORD_SHA1, chunk_records=1)

    with RangeStore.open(tmp_path / "s.store") as store:
        assert store.count(digest(1)) == MAX_COUNT
        assert store.count(digest(2)) == MAX_COUNT


def test_it_writes_an_empty_store(tmp_path: Path) -> None:
    assert build_store([], tmp_path / "s.store", Kind.PHONE) == 0

    with RangeStore.open(tmp_path / "s.store") as store:
        assert len(store) == 0
        assert store.kind is Kind.PHONE
        assert store.range("000000") == []


def test_it_takes_hashes_as_arrays_and_leaves_the_old_store_until_finished(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.store"
    build_store([digest(1)], path, Kind.PASSWORD_SHA1)
    hashes = np.frombuffer(b"".join(digest(i) for i in range(10)), dtype=np.uint8).reshape(10, 20)

    with StoreBuilder(path, Kind.PASSWORD_SHA1, chunk_records=4) as builder:
        builder.add(hashes, np.arange(1, 11, dtype=np.uint32))
        with RangeStore.open(path) as old:
            assert len(old) == 1
        assert builder.finish() == 10

    with RangeStore.open(path) as store:
        assert store.count(digest(9)) == 10


def test_it_refuses_hashes_of_the_wrong_width(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="20 bytes"):
        build_store([b"short"], tmp_path / "s.store", Kind.PASSWORD_SHA1)
    assert not (tmp_path / "s.store").exists()
