"""Fixtures shared by the leak index tests: the fixture folder and a small store factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from cleannet.engines.leakindex import Kind, RangeStore, build_store

StoreFactory = Callable[..., RangeStore]


@pytest.fixture
def fixtures() -> Path:
    return Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def make_store(tmp_path: Path) -> Iterator[StoreFactory]:
    """Return ``make(entries, kind=Kind.PASSWORD_SHA1, name=...)``: a store built from hex
    digests (or ``(hex, count)`` pairs), opened; every store is closed after the test."""
    opened: list[RangeStore] = []

    def make(
        entries: Sequence[str | tuple[str, int]],
        kind: Kind = Kind.PASSWORD_SHA1,
        name: str = "test",
        chunk_records: int = 1000,
    ) -> RangeStore:
        pairs = [(e, 1) if isinstance(e, str) else e for e in entries]
        path = tmp_path / f"{name}.store"
        build_store(
            [(bytes.fromhex(h), c) for h, c in pairs], path, kind, chunk_records=chunk_records
        )
        store = RangeStore.open(path)
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()


@pytest.fixture
def opened() -> Iterator[Callable[[Path], RangeStore]]:
    """Return ``open(path)``: a store opened for the test and closed after it."""
    stores: list[RangeStore] = []

    def open_store(path: Path) -> RangeStore:
        stores.append(RangeStore.open(path))
        return stores[-1]

    yield open_store
    for store in stores:
        store.close()
