"""Range answers in the Pwned Passwords wire format, and ranges exported as static files.

An answer is ``SUFFIX:COUNT`` lines joined by CRLF (no CRLF after the last line), suffixes in
upper-case hex and in hash order; an empty range is the empty text. With padding (the
``Add-Padding: true`` header), random suffixes with count 0 are mixed in, in order, so that
the answer has ``max(n, 800)`` plus 0–200 lines (drawn with ``secrets``): the size of an answer
no longer tells which range was asked for (what HIBP and Cloudflare do, to a minimum of 800
entries with a further 0–200). Clients ignore count-0 lines.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from cleannet.engines.leakindex.identifiers import PREFIX_HEX, Kind
from cleannet.engines.leakindex.store import PREFIXES, RangeStore
from cleannet.engines.leakindex.store_build import hash_prefixes, prefix_windows, sorted_unique

__all__ = [
    "EXPORT_WINDOW_RECORDS",
    "PADDED_EXTRA",
    "PADDED_MINIMUM",
    "export_ranges",
    "range_response",
    "render_range",
]

PADDED_MINIMUM = 800
PADDED_EXTRA = 200
EXPORT_WINDOW_RECORDS = 250_000  # the rendered lines of a window are held as Python strings
_HEAD = 16  # hex digits of a padding suffix drawn as one sortable 64-bit number


def _padding_block(count: int, suffix_hex_len: int) -> tuple[str, npt.NDArray[np.uint64]]:
    """Return ``count`` random ``SUFFIX:0\\r\\n`` lines in order, as one string of fixed-width
    lines, and each line's sort key (its first hex digits, up to 16, as an integer)."""
    if count == 0:
        return "", np.zeros(0, dtype=np.uint64)
    # One call to the system's random source, hexed in C: this runs on every padded answer.
    size = max((suffix_hex_len + 1) // 2, 8)
    drawn = np.frombuffer(secrets.token_bytes(count * size), dtype=np.uint8).reshape(count, size)
    keys = np.ascontiguousarray(drawn[:, :8]).view(">u8").ravel()
    order = np.argsort(keys)
    hexed = drawn[order].tobytes().hex().upper().encode("ascii")
    rows = np.empty((count, suffix_hex_len + 4), dtype=np.uint8)
    rows[:, :suffix_hex_len] = np.frombuffer(hexed, dtype=np.uint8).reshape(count, -1)[
        :, :suffix_hex_len
    ]
    rows[:, suffix_hex_len:] = np.frombuffer(b":0\r\n", dtype=np.uint8)
    head = min(_HEAD, suffix_hex_len)
    return rows.tobytes().decode("ascii"), keys[order].astype(np.uint64) >> np.uint64(64 - 4 * head)


def _padded(lines: list[str], suffix_hex_len: int) -> str:
    """Return ``lines`` (sorted) with random count-0 lines mixed in, in order, CRLF-joined."""
    count = max(len(lines), PADDED_MINIMUM) + secrets.randbelow(PADDED_EXTRA + 1) - len(lines)
    block, keys = _padding_block(count, suffix_hex_len)
    head, width = min(_HEAD, suffix_hex_len), suffix_hex_len + 4
    real = np.array([int(line[:head], 16) for line in lines], dtype=np.uint64)
    pieces: list[str] = []
    previous = 0
    for line, cut in zip(lines, np.searchsorted(keys, real).tolist(), strict=True):
        pieces += (block[previous * width : cut * width], line, "\r\n")
        previous = cut
    pieces.append(block[previous * width :])
    return "".join(pieces)[:-2]


def _joined(lines: list[str], suffix_hex_len: int, padding: bool) -> str:
    return _padded(lines, suffix_hex_len) if padding else "\r\n".join(lines)


def render_range(entries: Sequence[tuple[str, int]], suffix_hex_len: int, padding: bool) -> str:
    """Return ``entries`` (upper-case suffix, count; in hash order) as a range answer.

    ``suffix_hex_len`` is the length of every suffix (35 for SHA-1 after 5 hex digits); the
    padding lines have that length.
    """
    return _joined([f"{suffix}:{count}" for suffix, count in entries], suffix_hex_len, padding)


def _lines(records: npt.NDArray[np.void], hash_bytes: int, prefix_hex_len: int) -> list[str]:
    """Return the ``SUFFIX:COUNT`` line of each record (in their order)."""
    text = records["hash"].tobytes().hex().upper()
    step = 2 * hash_bytes
    starts = range(prefix_hex_len, len(text), step)
    counts = records["count"].tolist()
    return [
        f"{text[i : i - prefix_hex_len + step]}:{c}" for i, c in zip(starts, counts, strict=True)
    ]


def _same_kind(stores: Sequence[RangeStore]) -> Kind:
    kinds = {store.kind for store in stores}
    if len(kinds) != 1:
        raise ValueError(f"the stores must share one kind, not {sorted(kinds)}")
    return kinds.pop()


def range_response(stores: Sequence[RangeStore], prefix_hex: str, *, padding: bool = False) -> str:
    """Return the answer for ``prefix_hex`` over ``stores`` (counts of a hash in several stores
    are added), padded on request.

    Raises ``InvalidValue`` for a prefix that is not 5 or 6 hex digits, ``ValueError`` for no
    stores or stores of different kinds.
    """
    _same_kind(stores)
    hash_bytes = stores[0].hash_bytes
    parts = [store.range_records(prefix_hex) for store in stores]
    records = parts[0] if len(parts) == 1 else sorted_unique(np.concatenate(parts))
    suffix_hex_len = 2 * hash_bytes - len(prefix_hex)
    return _joined(_lines(records, hash_bytes, len(prefix_hex)), suffix_hex_len, padding)


def _write(folder: int, name: str, text: str) -> None:
    """Write ``text`` to the file ``name`` in the open directory ``folder`` (a descriptor:
    no path is resolved a million times)."""
    descriptor = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644, dir_fd=folder)
    try:
        if text:
            os.write(descriptor, text.encode("ascii"))
    finally:
        os.close(descriptor)


def _export_window(stores: Sequence[RangeStore], folder: int, first: int, end: int) -> None:
    parts = [store.records[slice(*store.span(first, end))] for store in stores]
    records = parts[0] if len(parts) == 1 else sorted_unique(np.concatenate(parts))
    lines = _lines(records, stores[0].hash_bytes, 5)
    bounds = np.searchsorted(hash_prefixes(records["hash"]), np.arange(first, end + 1)).tolist()
    for offset, prefix in enumerate(range(first, end)):
        start, stop = bounds[offset], bounds[offset + 1]
        _write(folder, f"{prefix:05X}.txt", "\r\n".join(lines[start:stop]) if stop > start else "")


def export_ranges(
    stores: Sequence[RangeStore],
    directory: Path,
    kind: Kind,
    *,
    prefixes: range = range(PREFIXES),
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write one static file per 5-hex prefix, ``directory/<kind>/<PREFIX>.txt``, holding the
    range answer without padding (counts over ``stores`` added); return the kind's folder.

    Every prefix gets its file, an empty range an empty file, so a static server answers 200
    for all 16**5 of them as the API does. ``prefixes`` limits the export to some prefixes;
    ``progress(done, total)`` is called after each window of prefixes. Raises ``ValueError``
    for stores not of ``kind`` or a kind whose ranges are not 5 hex digits: e-mail and phone
    ranges are answered to authenticated organisations only, never as public files.
    """
    if PREFIX_HEX[kind] != 5:
        raise ValueError(f"{kind} ranges are not exported: they are for organisations only")
    if stores and _same_kind(stores) is not kind:
        raise ValueError(f"the stores are not {kind} stores")
    folder = Path(directory) / str(kind)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        if not stores:
            for prefix in prefixes:
                _write(descriptor, f"{prefix:05X}.txt", "")
            if progress is not None:
                progress(len(prefixes), len(prefixes))
            return folder
        done = 0
        for first, end in prefix_windows(stores, EXPORT_WINDOW_RECORDS, prefixes):
            _export_window(stores, descriptor, first, end)
            done += end - first
            if progress is not None:
                progress(done, len(prefixes))
    finally:
        os.close(descriptor)
    return folder
