"""What a feed run reads: its sources, their content digest, and their rows in order.

``sources_from_paths`` turns files (and zip archives) into sources; ``digest_sources``
reads each once for the run's ``content_digest``; ``SourceReader`` chains the parsed rows of
all sources, numbering the rows of the n-th source ``n << 40 + row`` so that a batch
spanning two files still says where each row came from (``locate``), and records each
source's error instead of stopping.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
import zlib
from collections.abc import Generator, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from cleannet.engines.feeds import (
    Accepted,
    Attributor,
    Batch,
    ColumnBatch,
    FeedFormatError,
    Limits,
    ParseOptions,
    Rejected,
    Row,
    Source,
    open_sources,
    run_columnar_pipeline,
    run_pipeline,
)
from cleannet.engines.feeds.formats import ColumnarParser
from cleannet.engines.feeds.records import Parser
from cleannet.server.intel.models import Feed

__all__ = [
    "SourceReader",
    "digest_sources",
    "options_digest",
    "options_for_feed",
    "sources_from_paths",
]

# Rows of the n-th source of a run are numbered n << 40 + row inside the pipeline, so that a
# batch spanning two sources still says which source each row, aggregate and reject came from.
SOURCE_SHIFT = 40
ROW_MASK = (1 << SOURCE_SHIFT) - 1
# What reading a damaged file raises besides FeedFormatError (truncated gzip, bad zip CRC).
_UNREADABLE = (FeedFormatError, OSError, EOFError, zipfile.BadZipFile, zlib.error)


@dataclass
class SourceReader:
    """The rows of every source in order; remembers each source's error and unknown columns."""

    parse: Parser
    sources: list[Source]
    options: ParseOptions
    errors: list[str] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    columnar: ColumnarParser | None = None
    """The format's block reader, if it has one: used for the pipeline (same batches)."""

    def batches(
        self, attribute: Attributor, window: dt.timedelta, batch_rows: int
    ) -> Generator[Batch, None, None]:
        """Yield the pipeline's batches over every source (columnar when the format can)."""
        if self.columnar is not None:
            pipeline = run_columnar_pipeline(
                self.column_batches(self.columnar), attribute, window, batch_rows
            )
        else:
            pipeline = run_pipeline(self.rows(), attribute, window, batch_rows)
        yield from pipeline  # closing this generator closes the pipeline and the parsers

    def rows(self) -> Generator[Row, None, None]:
        """Yield every source's rows in order; a source that cannot be read ends early."""
        for index, source in enumerate(self.sources):
            options = replace(self.options, source_name=source.name, unknown_columns=[])
            opened: list[TextIO] = []
            try:
                rows = self.parse(_tracked(source, opened), options)
                if index:
                    rows = (_tagged(row, index) for row in rows)
                yield from rows
            except _UNREADABLE as error:
                self.errors.append(_source_error(source, error))
            finally:
                # Parsers may leave their stream to the garbage collector; close it now.
                for stream in opened:
                    stream.close()
                self.unknown_columns += [c for c in options.unknown_columns
                                         if c not in self.unknown_columns]  # fmt: skip

    def column_batches(self, parse: ColumnarParser) -> Generator[ColumnBatch, None, None]:
        """Yield every source's column batches in order, numbered as ``rows`` numbers rows."""
        for index, source in enumerate(self.sources):
            options = replace(self.options, source_name=source.name, unknown_columns=[])
            opened: list[TextIO] = []
            try:
                for batch in parse(_tracked(source, opened), options):
                    yield _tagged_batch(batch, index) if index else batch
            except _UNREADABLE as error:
                self.errors.append(_source_error(source, error))
            finally:
                for stream in opened:
                    stream.close()
                self.unknown_columns += [c for c in options.unknown_columns
                                         if c not in self.unknown_columns]  # fmt: skip

    def locate(self, row: int) -> tuple[str, int]:
        """Return the source name and the row within it of pipeline row number ``row``."""
        return self.sources[row >> SOURCE_SHIFT].name, row & ROW_MASK


def _tracked(source: Source, opened: list[TextIO]) -> Source:
    """Return ``source`` with every stream it opens added to ``opened``."""

    def open_text() -> TextIO:
        stream = source.open_text()
        opened.append(stream)
        return stream

    return Source(name=source.name, open_text=open_text)


def _tagged(row: Row, index: int) -> Row:
    number = row.row + (index << SOURCE_SHIFT)
    if isinstance(row, Accepted):
        return Accepted(number, row.fields, row.raw)
    return Rejected(number, row.reason, row.raw, row.field)


def _tagged_batch(batch: ColumnBatch, index: int) -> ColumnBatch:
    batch.first_line += index << SOURCE_SHIFT
    batch.fallback = {number: _tagged(row, index) for number, row in batch.fallback.items()}
    if batch.replayed is not None:
        batch.replayed = [_tagged(row, index) for row in batch.replayed]
    return batch


def _source_error(source: Source, error: BaseException) -> str:
    return str(error) if isinstance(error, FeedFormatError) else f"{source.name}: {error}"


def digest_sources(sources: Iterable[Source]) -> tuple[list[Source], str, list[str]]:
    """Read every source once; return the readable ones, their content digest, the errors.

    The digest is the SHA-256 of a lone source's text as UTF-8 (a UTF-8 file's own
    SHA-256), or of the lines of the sources' digests when there are several. A source
    that cannot be read is left out and its error (naming it) returned.
    """
    readable: list[Source] = []
    digests: list[str] = []
    errors: list[str] = []
    for source in sources:
        try:
            digests.append(_text_digest(source))
        except _UNREADABLE as error:
            errors.append(_source_error(source, error))
        else:
            readable.append(source)
    if len(digests) == 1:
        return readable, digests[0], errors
    return readable, hashlib.sha256("\n".join(digests).encode()).hexdigest(), errors


def _text_digest(source: Source) -> str:
    digest = hashlib.sha256()
    with source.open_text() as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk.encode("utf-8"))
    return digest.hexdigest()


def options_digest(options: ParseOptions) -> str:
    """Return the SHA-256 of the options that change what a parse yields (not the name)."""
    chosen = {
        name: getattr(options, name)
        for name in ("feed_name", "provider", "accuracy", "tlp", "classification_type", "variant")
    }
    chosen["column_map"] = dict(options.column_map)
    chosen["constants"] = dict(options.constants)
    text = json.dumps(chosen, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def options_for_feed(feed: Feed | None, **overrides: Any) -> ParseOptions:
    """Return the parse options a feed's declaration implies, with ``overrides`` applied."""
    if feed is None:
        return ParseOptions(**overrides)
    declared = ParseOptions(
        feed_name=feed.name,
        provider=feed.provider,
        accuracy=feed.accuracy,
        tlp=feed.tlp,
        classification_type=feed.default_classification_type,
    )
    return replace(declared, **overrides)


def sources_from_paths(
    paths: Iterable[Path], limits: Limits | None = None, encoding: str = ""
) -> list[Source]:
    """Return the sources of ``paths`` (each member of a zip archive is one).

    A path that cannot be opened becomes a source that raises its ``FeedFormatError`` when
    read, so that ``ingest_sources`` records it as that source's error.
    """
    found: list[Source] = []
    for path in paths:
        try:
            found.extend(open_sources(path, limits, encoding))
        except FeedFormatError as error:
            found.append(_broken_source(path.name, error))
    return found


def _broken_source(name: str, error: FeedFormatError) -> Source:
    def open_text() -> TextIO:
        raise error

    return Source(name=name, open_text=open_text)
