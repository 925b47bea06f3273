"""Writing range stores out of core: sorted chunks on disk, then a windowed k-way merge.

``StoreBuilder`` collects ``(hash, count)`` records in a buffer of ``chunk_records``; each full
buffer is sorted (numpy), its equal hashes merged, and written as a store file of its own in a
temporary folder. ``finish()`` merges the chunk stores into the final file. The merge walks the
2**20 prefixes in windows holding about ``chunk_records`` records across all inputs: each window
is the k sorted slices the prefix tables give, merged by one sort, so memory stays bounded by
the window whatever the total (a billion hashes need disk, not RAM). More than ``MAX_FAN_IN``
chunks are merged in rounds. ``merge_stores`` is the same merge over existing stores (e.g. one
store per breach into one store for the range API); counts of equal hashes are added.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

import numpy as np
import numpy.typing as npt

from cleannet.engines.leakindex.identifiers import HASH_BYTES, Kind
from cleannet.engines.leakindex.store import (
    HEADER,
    MAGIC,
    MAX_COUNT,
    PREFIX_BITS,
    PREFIXES,
    RECORDS_OFFSET,
    TABLE_OFFSET,
    VERSION,
    RangeStore,
    record_dtype,
)

__all__ = [
    "DEFAULT_CHUNK_RECORDS",
    "MAX_FAN_IN",
    "StoreBuilder",
    "build_store",
    "hash_prefixes",
    "merge_stores",
    "prefix_windows",
    "sorted_unique",
]

DEFAULT_CHUNK_RECORDS = 2_000_000  # about 150 MB at the peak of a chunk sort
MAX_FAN_IN = 64
Records = npt.NDArray[np.void]


def _sort_keys(hashes: npt.NDArray[np.uint8]) -> list[npt.NDArray[np.unsignedinteger]]:
    """Return big-endian integer columns of ``hashes`` whose order is the bytes' order."""
    keys: list[npt.NDArray[np.unsignedinteger]] = []
    for start in range(0, hashes.shape[1], 8):
        part = np.ascontiguousarray(hashes[:, start : start + 8])
        keys.append(part.view(">u8" if part.shape[1] == 8 else ">u4").ravel())
    return keys


def _differ(
    keys: list[npt.NDArray[np.unsignedinteger]],
    order: npt.NDArray[np.intp],
    pairs: npt.NDArray[np.intp],
) -> npt.NDArray[np.bool_]:
    """Return, for each adjacent pair ``(p, p + 1)`` of ``order`` with equal first keys,
    whether the hashes differ further on."""
    differ = np.zeros(len(pairs), dtype=bool)
    for key in keys[1:]:
        differ |= key[order[pairs]] != key[order[pairs + 1]]
    return differ


def _sort_collisions(
    keys: list[npt.NDArray[np.unsignedinteger]],
    order: npt.NDArray[np.intp],
    same: npt.NDArray[np.bool_],
    pairs: npt.NDArray[np.intp],
    differ: npt.NDArray[np.bool_],
) -> None:
    """Order, in place, the runs of equal first keys that hold different hashes."""
    group = np.cumsum(np.concatenate(([True], ~same)))
    positions = np.flatnonzero(np.isin(group, group[pairs[differ]]))
    chosen = order[positions]
    # Each run keeps its place: its first key is the primary key of this sort.
    order[positions] = chosen[np.lexsort([key[chosen] for key in keys[::-1]])]


def sorted_unique(records: Records) -> Records:
    """Return ``records`` sorted by hash with equal hashes merged (counts added, saturating)."""
    records = np.ascontiguousarray(records)
    if len(records) < 2:
        return records.copy()
    keys = _sort_keys(records["hash"])
    # Sorting by the first 64 bits alone is several times faster than a full lexsort; runs of
    # equal first keys are duplicates (merged below) or, very rarely, real collisions.
    order = np.argsort(keys[0])
    first = keys[0][order]
    same = first[1:] == first[:-1]
    pairs = np.flatnonzero(same)
    new = np.ones(len(records), dtype=bool)
    if len(pairs):
        differ = _differ(keys, order, pairs)
        if differ.any():
            _sort_collisions(keys, order, same, pairs, differ)
            differ = _differ(keys, order, pairs)
        new[pairs + 1] = differ
    ordered = records.view(f"V{records.dtype.itemsize}")[order].view(records.dtype)
    if len(pairs) == 0 or new.all():
        return ordered
    starts = np.flatnonzero(new)
    merged = ordered[starts]
    totals = np.add.reduceat(ordered["count"].astype(np.uint64), starts)
    merged["count"] = np.minimum(totals, MAX_COUNT)
    return merged


def hash_prefixes(hashes: npt.NDArray[np.uint8]) -> npt.NDArray[np.int64]:
    """Return the first 20 bits of each hash (its 5-hex prefix) as integers."""
    first = hashes[:, :3].astype(np.int64)
    return (first[:, 0] << 12) | (first[:, 1] << 4) | (first[:, 2] >> 4)


class _StoreWriter:
    """Writes records given in ascending, non-overlapping blocks; the table is filled at the end.

    The file is written beside ``path`` and renamed over it by ``close()``, so a reader never
    sees half a store.
    """

    def __init__(self, path: Path, kind: Kind) -> None:
        self.path, self.kind = path, kind
        self.partial = path.with_name(f".{path.name}.partial")
        self.file: BinaryIO = self.partial.open("wb")
        self.file.truncate(RECORDS_OFFSET)
        self.file.seek(RECORDS_OFFSET)
        self.per_prefix = np.zeros(PREFIXES, dtype=np.uint64)
        self.count = 0

    def write(self, records: Records) -> None:
        if not len(records):
            return
        self.file.write(records.tobytes())
        self.per_prefix += np.bincount(hash_prefixes(records["hash"]), minlength=PREFIXES).astype(
            np.uint64
        )
        self.count += len(records)

    def close(self) -> int:
        table = np.zeros(PREFIXES + 1, dtype="<u8")
        np.cumsum(self.per_prefix, out=table[1:])
        width = HASH_BYTES[self.kind]
        header = HEADER.pack(
            MAGIC, VERSION, width, PREFIX_BITS, width + 4, self.count, self.kind.encode("ascii")
        )
        self.file.seek(0)
        self.file.write(header)
        self.file.seek(TABLE_OFFSET)
        self.file.write(table.tobytes())
        self.file.close()
        os.replace(self.partial, self.path)
        return self.count

    def abandon(self) -> None:
        self.file.close()
        self.partial.unlink(missing_ok=True)


def prefix_windows(
    stores: Sequence[RangeStore], budget: int, prefixes: range = range(PREFIXES)
) -> Iterator[tuple[int, int]]:
    """Yield windows ``(first, end)`` of ``prefixes`` holding about ``budget`` records in all
    ``stores`` together; one prefix holding more gets a window of its own.

    Raises ``ValueError`` for ``prefixes`` with a step other than 1 or outside 0..2**20.
    """
    if prefixes.step != 1 or prefixes.start < 0 or prefixes.stop > PREFIXES:
        raise ValueError(f"{prefixes} is not a run of prefixes within 0..{PREFIXES}")
    totals = np.zeros(PREFIXES, dtype=np.int64)
    for store in stores:
        totals += np.diff(store.table).astype(np.int64)
    cumulative = np.cumsum(totals)
    first = prefixes.start
    while first < prefixes.stop:
        before = int(cumulative[first - 1]) if first else 0
        end = int(np.searchsorted(cumulative, before + budget, side="right"))
        end = min(max(end, first + 1), prefixes.stop)
        yield first, end
        first = end


def _merge_into(stores: Sequence[RangeStore], path: Path, kind: Kind, budget: int) -> int:
    writer = _StoreWriter(path, kind)
    try:
        for first, end in prefix_windows(stores, budget):
            slices = [store.records[slice(*store.span(first, end))] for store in stores]
            writer.write(sorted_unique(np.concatenate(slices)))
    except BaseException:
        writer.abandon()
        raise
    return writer.close()


def merge_stores(
    paths: Sequence[Path], path: Path, *, window_records: int = DEFAULT_CHUNK_RECORDS
) -> int:
    """Merge the stores at ``paths`` into one store at ``path``; return its number of records.

    Counts of equal hashes are added. The inputs must share one kind. Memory is bounded by
    ``window_records``; more than ``MAX_FAN_IN`` inputs are merged in rounds, beside ``path``.
    Raises ``ValueError`` for no inputs or inputs of different kinds, ``StoreFormatError`` for
    an input that is not a store.
    """
    if not paths:
        raise ValueError("merge_stores needs at least one store")
    if len(paths) > MAX_FAN_IN:
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".merge-") as work:
            rounds = [Path(work) / f"round-{i}.store" for i in range(0, len(paths), MAX_FAN_IN)]
            for i, partial in enumerate(rounds):
                group = paths[i * MAX_FAN_IN : (i + 1) * MAX_FAN_IN]
                merge_stores(group, partial, window_records=window_records)
            return merge_stores(rounds, path, window_records=window_records)
    stores = [RangeStore.open(p) for p in paths]
    try:
        kinds = {store.kind for store in stores}
        if len(kinds) != 1:
            raise ValueError(f"cannot merge stores of different kinds: {sorted(kinds)}")
        return _merge_into(stores, path, stores[0].kind, window_records)
    finally:
        for store in stores:
            store.close()


class StoreBuilder:
    """Builds one store from records added in any order, in bounded memory.

    ``add(hashes, counts)`` takes an ``(n, hash_bytes)`` uint8 array (or the hashes joined in
    one ``bytes``) and optional counts (1 each by default); ``finish()`` writes ``path`` and
    returns its number of records. Chunk files live in a temporary folder in ``work_dir``
    (default: beside ``path``), removed on ``finish()``, ``abandon()`` or leaving a ``with``.
    """

    def __init__(
        self,
        path: Path,
        kind: Kind,
        *,
        chunk_records: int = DEFAULT_CHUNK_RECORDS,
        work_dir: Path | None = None,
    ) -> None:
        if chunk_records < 1:
            raise ValueError("chunk_records must be at least 1")
        self.path, self.kind, self.chunk_records = Path(path), kind, chunk_records
        self.width = HASH_BYTES[kind]
        self.buffer = np.empty(chunk_records, dtype=record_dtype(self.width))
        self.filled = 0
        self.added = 0
        self.work = Path(tempfile.mkdtemp(prefix=".leakindex-", dir=work_dir or self.path.parent))
        self.chunks: list[Path] = []
        self.chunk_sizes: list[int] = []

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.abandon()

    def add(
        self,
        hashes: npt.NDArray[np.uint8] | bytes,
        counts: npt.NDArray[np.unsignedinteger] | Sequence[int] | None = None,
    ) -> None:
        """Add records; raises ``ValueError`` for hashes of the wrong width or counts of
        another length."""
        rows = self._as_rows(hashes)
        if counts is not None and len(counts) != len(rows):
            raise ValueError(f"{len(rows)} hashes but {len(counts)} counts")
        taken = 0
        while taken < len(rows):
            room = min(self.chunk_records - self.filled, len(rows) - taken)
            window = self.buffer[self.filled : self.filled + room]
            window["hash"] = rows[taken : taken + room]
            window["count"] = (
                1
                if counts is None
                else np.minimum(
                    np.asarray(counts[taken : taken + room], dtype=np.uint64), MAX_COUNT
                )
            )
            self.filled += room
            taken += room
            if self.filled == self.chunk_records:
                self._spill()
        self.added += len(rows)

    def _as_rows(self, hashes: npt.NDArray[np.uint8] | bytes) -> npt.NDArray[np.uint8]:
        if isinstance(hashes, bytes | bytearray | memoryview):
            if len(hashes) % self.width:
                raise ValueError(f"{len(hashes)} bytes are not whole {self.width}-byte hashes")
            return np.frombuffer(hashes, dtype=np.uint8).reshape(-1, self.width)
        if hashes.ndim != 2 or hashes.shape[1] != self.width:
            raise ValueError(f"hashes must be {self.width} bytes each, not shape {hashes.shape}")
        return hashes

    def _spill(self) -> None:
        chunk = self.work / f"chunk-{len(self.chunks):06d}.store"
        writer = _StoreWriter(chunk, self.kind)
        writer.write(sorted_unique(self.buffer[: self.filled]))
        self.chunk_sizes.append(writer.close())
        self.chunks.append(chunk)
        self.filled = 0

    def finish(self) -> int:
        """Write the store at ``path`` (replacing any file there); return its record count."""
        try:
            if not self.chunks:
                writer = _StoreWriter(self.path, self.kind)
                writer.write(sorted_unique(self.buffer[: self.filled]))
                return writer.close()
            if self.filled:
                self._spill()
            if len(self.chunks) == 1:
                os.replace(self.chunks[0], self.path)
                return self.chunk_sizes[0]
            return merge_stores(self.chunks, self.path, window_records=self.chunk_records)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Remove the chunk files (idempotent); the store at ``path`` is left as it was."""
        self.buffer = self.buffer[:0]
        shutil.rmtree(self.work, ignore_errors=True)


def build_store(
    hashes: Iterable[bytes | tuple[bytes, int]],
    path: Path,
    kind: Kind,
    *,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
    work_dir: Path | None = None,
) -> int:
    """Write a store of ``kind`` at ``path`` from digests (or ``(digest, count)`` pairs) given in
    any order; return its number of records.

    Equal digests are merged, their counts added. Raises ``ValueError`` for a digest that is
    not ``HASH_BYTES[kind]`` long.
    """
    batch = 65_536
    with StoreBuilder(path, kind, chunk_records=chunk_records, work_dir=work_dir) as builder:
        digests: list[bytes] = []
        counts: list[int] = []
        for item in hashes:
            digest, count = item if isinstance(item, tuple) else (item, 1)
            if len(digest) != builder.width:
                raise ValueError(f"a {kind} hash is {builder.width} bytes, not {len(digest)}")
            digests.append(digest)
            counts.append(count)
            if len(digests) == batch:
                builder.add(b"".join(digests), counts)
                digests, counts = [], []
        builder.add(b"".join(digests), counts)
        return builder.finish()
