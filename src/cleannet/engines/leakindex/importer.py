"""Importing leaked datasets into range stores: read, normalise, hash, build; plain values are
never kept.

``import_files(paths, outputs)`` streams the files (see ``readers`` for the formats), hashes
each batch of values as soon as it is read and feeds the hashes to one ``StoreBuilder`` per
output, so memory stays bounded by the builders' chunk size whatever the number of rows.
``outputs`` maps each kind of store to write to its path: ``{Kind.EMAIL: ...}``,
``{Kind.PHONE: ...}``, or one or both password kinds (a plain password is hashed both ways in
one read). With ``hashed=True`` the values are already hex digests, optionally followed by
``:COUNT``: 40 digits go to the SHA-1 (or e-mail, phone) store, 32 digits to the NTLM store.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np

from cleannet.core.errors import InvalidValue
from cleannet.engines.leakindex.batch import Batch, parse_count
from cleannet.engines.leakindex.identifiers import HASH_BYTES, Kind, identifier_key
from cleannet.engines.leakindex.md4 import md4_many
from cleannet.engines.leakindex.readers import read_batches
from cleannet.engines.leakindex.sources import guess_format, open_lines
from cleannet.engines.leakindex.store_build import DEFAULT_CHUNK_RECORDS, StoreBuilder
from cleannet.engines.leakindex.summary import BadRow, ImportSummary, without_quotes

__all__ = ["import_file", "import_files"]

_PASSWORDS = frozenset({Kind.PASSWORD_SHA1, Kind.PASSWORD_NTLM})
_HEX = frozenset("0123456789abcdefABCDEF")


class _Sink:
    """Hashes the values of a batch and hands the hashes to the builders."""

    def __init__(self, builders: Mapping[Kind, StoreBuilder], summary: ImportSummary) -> None:
        self.builders, self.summary = builders, summary

    def take(self, batch: Batch) -> None:
        """Count, hash and store ``batch``'s values; refuse the bad ones by their line."""
        raise NotImplementedError

    def _add_rows(self, kind: Kind, rows: int) -> None:
        """Count ``rows`` hashed into the store of ``kind``."""
        self.summary.rows[kind] = self.summary.rows.get(kind, 0) + rows


class _PasswordSink(_Sink):
    """Passwords, a batch at a time with list operations: SHA-1 by hashlib, NTLM by
    ``md4_many``; nothing can be wrong with a decoded password."""

    def take(self, batch: Batch) -> None:
        self.summary.skipped += batch.values.count("")
        if batch.counts is None:
            values = [value for value in batch.values if value]
            counts = None
        else:
            pairs = [(v, c) for v, c in zip(batch.values, batch.counts, strict=True) if v]
            values, counts = [v for v, _ in pairs], [c for _, c in pairs]
        self.summary.used += len(values)
        for kind, builder in self.builders.items():
            self._add_rows(kind, len(values))
            if kind is Kind.PASSWORD_SHA1:
                sha1 = hashlib.sha1
                encoded = [value.encode("utf-8", "surrogatepass") for value in values]
                digests = [sha1(e, usedforsecurity=False).digest() for e in encoded]
                builder.add(b"".join(digests), counts)
            else:
                utf16 = [value.encode("utf-16-le", "surrogatepass") for value in values]
                builder.add(md4_many(utf16), counts)


class _IdentifierSink(_Sink):
    """E-mail or phone: normalised by ``core`` row by row, so a bad one is refused alone."""

    def take(self, batch: Batch) -> None:
        ((kind, builder),) = self.builders.items()
        digests: list[bytes] = []
        counts: list[int] = []
        for index, value in enumerate(batch.values):
            if not value:
                self.summary.skipped += value == ""
                continue
            try:
                key = identifier_key(kind, value)
            except InvalidValue as error:
                self.summary.reject(batch.source, batch.line(index), without_quotes(error.reason))
                continue
            digests.append(hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).digest())
            counts.append(1 if batch.counts is None else batch.counts[index])
        builder.add(b"".join(digests), counts)
        self.summary.used += len(digests)
        self._add_rows(kind, len(digests))


class _HashSink(_Sink):
    """Hex digests, ``HASH`` or ``HASH:COUNT``: the width says the store (40 SHA-1, 32 NTLM)."""

    def __init__(self, builders: Mapping[Kind, StoreBuilder], summary: ImportSummary) -> None:
        super().__init__(builders, summary)
        self.by_width = {2 * HASH_BYTES[kind]: kind for kind in builders}
        widths = " or ".join(str(width) for width in sorted(self.by_width))
        self.refusal = f"is not a hash of {widths} hexadecimal digits"

    def _parse(self, value: str, count: int) -> tuple[Kind, str, int] | str:
        """Return ``(kind, hex, count)``, or the reason the value is refused."""
        text, colon, count_text = value.strip().partition(":")
        if colon:
            parsed = parse_count(count_text)
            if parsed is None:
                return "the count after ':' is not a whole number"
            count = parsed
        kind = self.by_width.get(len(text))
        if kind is None or not _HEX.issuperset(text):
            return self.refusal
        return kind, text, count

    def _take_uniform(self, batch: Batch) -> bool:
        """Store a batch of ``HASH:COUNT`` lines of one width with list operations (the
        downloader's billion lines); return ``False``, having done nothing, for any other."""
        if batch.counts is not None or not batch.values or None in batch.values:
            return False
        values = cast(list[str], batch.values)  # no None, checked above
        width = values[0].find(":")
        kind = self.by_width.get(width)
        colons = "".join([value[width : width + 1] for value in values])
        if kind is None or colons != ":" * len(values):
            return False
        hexes = "".join([value[:width] for value in values])
        texts = [value[width + 1 :] for value in values]
        digits = "".join(texts)  # what parse_count takes: ASCII digits, at most 12 of them
        if not (digits.isascii() and digits.isdigit()) or max(map(len, texts)) > 12:
            return False
        try:
            digests = bytes.fromhex(hexes)
            counts = np.array(texts).astype(np.int64)  # an empty count fails here
        except ValueError:
            return False
        if len(digests) * 2 != len(hexes) or not counts.all():  # whitespace; count-0 padding
            return False
        self.builders[kind].add(digests, counts.astype(np.uint64))
        self.summary.used += len(values)
        self._add_rows(kind, len(values))
        return True

    def take(self, batch: Batch) -> None:
        if self._take_uniform(batch):
            return
        pending: dict[Kind, tuple[list[str], list[int]]] = {k: ([], []) for k in self.builders}
        for index, value in enumerate(batch.values):
            if not value:
                self.summary.skipped += value == ""
                continue
            parsed = self._parse(value, 1 if batch.counts is None else batch.counts[index])
            if isinstance(parsed, str):
                self.summary.reject(batch.source, batch.line(index), parsed)
            elif parsed[2] == 0:
                self.summary.skipped += 1  # padding lines of a saved range answer
            else:
                pending[parsed[0]][0].append(parsed[1])
                pending[parsed[0]][1].append(parsed[2])
        for kind, (texts, counts) in pending.items():
            self.builders[kind].add(bytes.fromhex("".join(texts)), counts)
            self.summary.used += len(texts)
            self._add_rows(kind, len(texts))


@dataclass(frozen=True)
class _Options:
    fmt: str | None
    mapping: Mapping[str, str]
    progress: Callable[[int], None] | None


def _sink_for(
    builders: Mapping[Kind, StoreBuilder], summary: ImportSummary, hashed: bool
) -> tuple[_Sink, str]:
    """Return the sink for ``builders`` and the ``COLUMN_NAMES`` key of its values."""
    kinds = set(builders)
    if not kinds:
        raise ValueError("an import needs at least one output store")
    if len(kinds) > 1 and not kinds <= _PASSWORDS:
        raise ValueError(f"only the two password kinds can be imported together, not {kinds}")
    column = "password" if kinds <= _PASSWORDS else next(iter(kinds)).value
    if hashed:
        return _HashSink(builders, summary), "hash"
    if kinds <= _PASSWORDS:
        return _PasswordSink(builders, summary), column
    return _IdentifierSink(builders, summary), column


def _read_file(path: Path, sink: _Sink, column: str, options: _Options) -> None:
    summary = sink.summary
    fmt = options.fmt or guess_format(path)
    with open_lines(path) as stream:
        batches = read_batches(
            stream, path.name, summary, fmt=fmt, column=column, mapping=options.mapping
        )
        try:
            for batch in batches:
                sink.take(batch)
                if options.progress is not None:
                    options.progress(summary.read)
        except (EOFError, gzip.BadGzipFile, zlib.error):
            # The rows before the damage are kept; what follows cannot be read at all.
            summary.incomplete.append(
                BadRow(path.name, summary.read, "the compressed file is damaged or cut short")
            )


def import_files(
    paths: Sequence[Path],
    outputs: Mapping[Kind, Path],
    *,
    fmt: str | None = None,
    mapping: Mapping[str, str] | None = None,
    hashed: bool = False,
    progress: Callable[[int], None] | None = None,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
    work_dir: Path | None = None,
) -> ImportSummary:
    """Import ``paths`` into the stores ``outputs`` names; return the counts.

    ``fmt`` is ``text``, ``combo``, ``csv`` or ``jsonl`` (default: from each file's extension,
    ``.gz`` looked through; anything else is text); ``mapping`` names the ``value`` (and
    ``count``) column or key. ``progress(rows_read)`` is called after every batch. Bad rows
    are counted and sampled, never fatal; a damaged gzip file keeps the rows read before the
    damage (``summary.incomplete``). The stores are written once every file was read.
    Raises ``ImportFormatError`` for an input unusable as a whole (nothing is written),
    ``ValueError`` for an impossible combination of outputs, ``OSError`` for unreadable files.
    """
    summary = ImportSummary()
    options = _Options(fmt, dict(mapping or {}), progress)
    builders = {
        kind: StoreBuilder(path, kind, chunk_records=chunk_records, work_dir=work_dir)
        for kind, path in outputs.items()
    }
    try:
        sink, column = _sink_for(builders, summary, hashed)
        for path in paths:
            _read_file(Path(path), sink, column, options)
        for kind, builder in builders.items():
            summary.records[kind] = builder.finish()
    finally:
        for builder in builders.values():
            builder.abandon()
    return summary


def import_file(
    path: Path,
    kind: Kind,
    out_path: Path,
    *,
    mapping: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
    fmt: str | None = None,
    hashed: bool = False,
    chunk_records: int = DEFAULT_CHUNK_RECORDS,
) -> ImportSummary:
    """Import one file into one store of ``kind`` at ``out_path``; see ``import_files``."""
    return import_files(
        [path],
        {kind: out_path},
        fmt=fmt,
        mapping=mapping,
        hashed=hashed,
        progress=progress,
        chunk_records=chunk_records,
    )
