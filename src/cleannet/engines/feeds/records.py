"""What a parser yields: accepted rows (normalised event fields) and rejected rows.

Every parser is a function ``parse(source: Source, options: ParseOptions) -> Iterator[Row]``
that yields one ``Accepted`` or ``Rejected`` per input record, in input order, never
raising for a bad record (a file-level problem raises ``FeedFormatError``). So that
``read == accepted + rejected`` always holds for a parse, and the pipeline adds
``duplicates`` after dedup and aggregation.

``Accepted.fields`` uses IntelMQ's dotted names and holds values already normalised to
what ``cleannet.core.event.Event.from_dict`` would produce (aware UTC ``datetime`` for
times, compressed IP text, ``int`` ports and ASNs, …): the fast converters in
``cleannet.engines.feeds.convert`` guarantee this, and the tests hold them to it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TextIO

from cleannet.core.errors import CleanNetError
from cleannet.core.event_values import FieldValue

MAX_RAW_CHARS = 4096
"""Evidence kept per row: enough to show a person the line, never a 100 MB blob."""


class FeedFormatError(CleanNetError):
    """The input as a whole cannot be read in this format (no header, not JSON, a zip bomb).

    ``source`` names the file (or member of an archive) and ``reason`` says why.
    """

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class RowError(CleanNetError):
    """Raised by a converter for one field of one row; the parser turns it into ``Rejected``."""

    def __init__(self, field: str, value: object, reason: str) -> None:
        self.field = field
        self.value = value
        self.reason = reason
        shown = repr(value)
        shown = shown if len(shown) <= 120 else shown[:120] + "…"
        super().__init__(f"{field}: {shown} {reason}")


def clip(raw: str) -> str:
    """Return ``raw`` cut to ``MAX_RAW_CHARS`` (marked with an ellipsis when cut)."""
    return raw if len(raw) <= MAX_RAW_CHARS else raw[:MAX_RAW_CHARS] + "…"


@dataclass(frozen=True, slots=True)
class Accepted:
    """One record turned into event fields; ``row`` is its 1-based position in the source."""

    row: int
    fields: dict[str, FieldValue]
    raw: str


@dataclass(frozen=True, slots=True)
class Rejected:
    """One record that could not be used: where, which field (if one), why, and the raw text."""

    row: int
    reason: str
    raw: str
    field: str | None = None


Row = Accepted | Rejected


@dataclass(frozen=True)
class ParseOptions:
    """What a parser may need besides the bytes.

    ``source_name`` is the file name (Shadowserver detects the report type from it);
    ``feed_name``/``provider``/``accuracy``/``tlp``/``classification_type`` are the feed
    registry's defaults, set on every accepted row that does not set them itself;
    ``column_map`` maps input column names to event fields for the generic CSV format;
    ``constants`` are extra fields set on every row (e.g. a default ``malware.name``).
    """

    source_name: str = ""
    feed_name: str = ""
    provider: str = ""
    accuracy: int | None = None
    tlp: str = ""
    classification_type: str = ""
    column_map: Mapping[str, str] = field(default_factory=dict)
    constants: Mapping[str, FieldValue] = field(default_factory=dict)
    variant: str = ""
    """A format's sub-type when the input does not say it (a Shadowserver report type)."""
    unknown_columns: list[str] = field(default_factory=list)
    """Filled by CSV parsers with header names they did not map (recorded on the feed run)."""


@dataclass(frozen=True)
class Source:
    """One decoded input, ready to read as text.

    ``open_text()`` returns a fresh text stream each call (for CSV, read it with
    ``csv.reader``; line endings are left as they are, like ``newline=""``). ``name`` is
    the file name, or ``archive.zip!member.csv`` for a member of an archive. Built by
    ``cleannet.engines.feeds.sources`` with size, depth and decoding rules applied
    (UTF-8 with or without BOM; Latin-1/cp1252 when the start is not UTF-8).
    """

    name: str
    open_text: Callable[[], TextIO]

    def read_text(self) -> str:
        """Return the whole text (JSON formats); the source's size cap still applies."""
        with self.open_text() as stream:
            return stream.read()


Parser = Callable[[Source, ParseOptions], Iterator[Row]]
