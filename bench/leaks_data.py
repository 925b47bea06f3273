"""The leaks benchmark's input: random SHA-1 hashes with counts, made with numpy and kept.

``records(path)`` is a binary file of ``(hash: 20 bytes, count: uint32 LE)`` records, the
input of the store builder; ``text(path)`` is the first rows of the same records as the
text a Pwned Passwords download holds (``HASH:COUNT`` lines, upper-case hex, LF), with a few
awkward lines of the kinds real dumps have (lower case, CRLF, a blank line, a count missing,
a truncated hash, a non-hex character), the input of ``import_file(hashed=True)``.
Both depend only on the row count and the seed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

RECORD = np.dtype([("hash", "u1", 20), ("count", "<u4")])
CHUNK = 4_000_000
HEX = np.array([f"{i:02X}".encode() for i in range(256)], dtype="S2")
AWKWARD_EVERY = 20_000
"""One awkward line in this many rows of the text file."""
AWKWARD_LINES = [
    b"",  # a blank line
    b"0123456789abcdef0123456789ABCDEF01234567:3",  # lower case: used
    b"00000A1B2C3D4E5F60718293A4B5C6D7E8F90A1B:2\r",  # CRLF: used
    b"9876543210FEDCBA9876543210FEDCBA98765432",  # no count: used, count 1
    b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68F:12",  # 38 digits: bad
    b"5BAA61E4C9B93F3F0682250B6CF8331B7EE68FGG:5",  # not hex: bad
]
BAD_AWKWARD = 2


@dataclass(frozen=True)
class Input:
    records: Path
    rows: int
    seed: int
    text: Path | None = None
    text_rows: int = 0
    awkward: int = 0


def stem(rows: int, seed: int) -> str:
    return f"sha1-{rows}-s{seed}"


def _chunks(rows: int, seed: int) -> Iterator[np.ndarray]:
    """Yield the records ``CHUNK`` at a time; a chunk depends on the seed and its index."""
    for index, start in enumerate(range(0, rows, CHUNK)):
        rng = np.random.default_rng([seed, index])
        size = min(CHUNK, rows - start)
        chunk = np.empty(size, dtype=RECORD)
        chunk["hash"] = rng.integers(0, 256, size=(size, 20), dtype=np.uint8)
        # Most leaked passwords are seen once or a few times; a few very often.
        chunk["count"] = np.minimum(rng.geometric(0.35, size=size), 2**31)
        yield chunk


def read_records(path: Path, batch: int = CHUNK) -> Iterator[np.ndarray]:
    """Yield the records of ``path`` ``batch`` at a time (memory-mapped, not loaded)."""
    data = np.memmap(path, dtype=RECORD, mode="r")
    for start in range(0, len(data), batch):
        yield np.asarray(data[start : start + batch])


def _text_lines(chunk: np.ndarray) -> bytes:
    hashes = HEX[chunk["hash"]].view("S40").ravel()
    counts = chunk["count"].astype("S10")
    return b"\n".join(h + b":" + c for h, c in zip(hashes.tolist(), counts.tolist(), strict=True))


def write_text(records: Path, path: Path, rows: int) -> int:
    """Write the first ``rows`` records of ``records`` as text, an awkward line after every
    ``AWKWARD_EVERY`` rows; return the number of awkward lines."""
    awkward = written = 0
    scratch = path.with_suffix(".part")
    with scratch.open("wb") as out:
        for chunk in read_records(records, AWKWARD_EVERY):
            take = chunk[: rows - written]
            out.write(_text_lines(take) + b"\n")
            written += len(take)
            out.write(AWKWARD_LINES[awkward % len(AWKWARD_LINES)] + b"\n")
            awkward += 1
            if written >= rows:
                break
    scratch.replace(path)
    return awkward


def generate(directory: Path, rows: int, seed: int, text_rows: int = 0) -> Input:
    """Return the input for ``rows`` records (and a text file of ``text_rows``), made once."""
    directory.mkdir(parents=True, exist_ok=True)
    name = stem(rows, seed)
    records, meta_path = directory / f"{name}.bin", directory / f"{name}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.is_file() else {}
    if not records.is_file() or meta.get("rows") != rows:
        scratch = records.with_suffix(".part")
        with scratch.open("wb") as out:
            for chunk in _chunks(rows, seed):
                chunk.tofile(out)
        scratch.replace(records)
        meta = {"rows": rows, "seed": seed}
    text, awkward = None, 0
    if text_rows:
        text_rows = min(text_rows, rows)
        text = directory / f"{name}-first{text_rows}.txt"
        key = f"text-{text_rows}"
        if not text.is_file() or key not in meta:
            meta[key] = write_text(records, text, text_rows)
        awkward = meta[key]
    meta_path.write_text(json.dumps(meta))
    return Input(records, rows, seed, text, text_rows, awkward)
