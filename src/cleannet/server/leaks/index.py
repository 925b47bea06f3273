"""The one module that calls the leak-index engine (``cleannet.engines.leakindex``).

Kinds are passed as the strings of ``StoreKind`` (``password_sha1``, ``password_ntlm``,
``email``, ``phone``), which are the values of the engine's ``Kind``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from cleannet.engines import leakindex
from cleannet.engines.leakindex import ImportSummary, RangeStore

__all__ = [
    "ImportSummary",
    "RangeStore",
    "export_ranges",
    "hash_identifier",
    "hash_password",
    "import_into_stores",
    "merge_stores",
    "open_store",
    "range_answer",
    "summary_counts",
]


def open_store(path: Path) -> RangeStore:
    """Return the memory-mapped store at ``path`` (``StoreFormatError``, ``OSError``)."""
    return RangeStore.open(path)


def hash_identifier(kind: str, raw: str) -> bytes:
    """Return the hash ``kind`` stores for the e-mail address or phone number ``raw``;
    raises core's ``InvalidIndicator`` for a value that is not one."""
    return leakindex.hash_identifier(leakindex.Kind(kind), raw)


def hash_password(password: str) -> bytes:
    """Return the SHA-1 of ``password`` as Pwned Passwords hashes it (never normalised)."""
    return leakindex.password_hashes(password)[0]


def range_answer(stores: Sequence[RangeStore], kind: str, prefix: str, padding: bool) -> str:
    """Return the Pwned Passwords answer for ``prefix`` over ``stores`` (counts added;
    ``SUFFIX:COUNT`` lines, CRLF), padded on request; an empty (or padded) answer without
    stores. The caller checks that ``prefix`` is 5 hex digits."""
    if stores:
        return leakindex.range_response(stores, prefix, padding=padding)
    suffix_len = 2 * leakindex.HASH_BYTES[leakindex.Kind(kind)] - len(prefix)
    return leakindex.render_range([], suffix_len, padding)


def export_ranges(
    stores: Sequence[RangeStore],
    directory: Path,
    kind: str,
    *,
    prefixes: range,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write one static file per 5-hex prefix in ``prefixes`` of ``kind`` under
    ``directory/<kind>/``; return that folder."""
    return leakindex.export_ranges(
        stores, directory, leakindex.Kind(kind), prefixes=prefixes, progress=progress
    )


def merge_stores(paths: Sequence[Path], out_path: Path) -> int:
    """Merge the stores at ``paths`` into ``out_path``; return its number of hashes."""
    return leakindex.merge_stores(paths, out_path)


def import_into_stores(
    paths: Sequence[Path],
    outputs: Mapping[str, Path],
    *,
    fmt: str | None = None,
    hashed: bool = False,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Read ``paths`` and write one sorted store per kind of ``outputs`` (kind -> path).

    Raises the engine's ``ImportFormatError`` for input unusable as a whole, ``OSError``
    for unreadable files; bad rows are counted in the summary, never fatal.
    """
    return leakindex.import_files(
        paths,
        {leakindex.Kind(kind): path for kind, path in outputs.items()},
        fmt=fmt,
        mapping=mapping,
        hashed=hashed,
        progress=progress,
    )


def summary_counts(summary: ImportSummary, kind: str) -> dict[str, int]:
    """Return what a ``BreachStore`` records of an import into ``kind``: its distinct hashes,
    the rows the import read and refused, and the rows hashed into this store."""
    return {
        "hashes": summary.records.get(leakindex.Kind(kind), 0),
        "rows_read": summary.read,
        "rows_used": summary.rows.get(leakindex.Kind(kind), 0),
        "rows_bad": summary.bad,
    }
