"""What the CSV, JSON and list parsers of this package share.

* ``feed_defaults``: the fields every accepted row gets unless it sets them itself, in
  rising priority: the format's own constants (what the feed means, e.g. Feodo Tracker
  lists ``c2-server``s), the registry's options (``feed.name``, ``feed.provider``,
  ``feed.accuracy``, ``tlp``, ``classification.type``), then ``options.constants``.
* ``complete_fields``: puts those defaults under a row, fills ``classification.taxonomy``
  from the type (as ``Event.from_dict`` would) and refuses a row without ``time.source``,
  ``classification.type`` or an observable (an IP, network, domain, URL, hash, …).
* ``parse_csv_feed`` / ``parse_csv_records``: a header-named CSV through a column plan, a
  format's ``row_hook`` (derived fields: a URL's host, an IOC's type), then the above.
  Header names are matched ignoring case: URLhaus writes ``dateadded`` in its dumps and
  ``Dateadded`` in its network-operator feeds.
* Converters for ``extra.*`` values that are not text (lists, numbers, booleans) and
  ``add_url_host`` (``source.fqdn`` or ``source.ip`` from a URL).

Every converter raises ``RowError`` for a value it refuses, so the row becomes ``Rejected``.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import TextIO

from cleannet.core.errors import InvalidEvent, InvalidIndicator, InvalidTaxonomy
from cleannet.core.event import validate_field
from cleannet.core.event_values import FieldValue
from cleannet.core.indicators import url_host
from cleannet.core.taxonomy import classify
from cleannet.engines.feeds.convert import Converter, converter_for, looks_like_formula
from cleannet.engines.feeds.csvrows import CsvFile, read_csv
from cleannet.engines.feeds.records import (
    FeedFormatError,
    ParseOptions,
    Row,
    RowError,
    Source,
)
from cleannet.engines.feeds.rowplan import (
    Column,
    MissingColumns,
    RowHook,
    apply_plan,
    compile_plan,
)

__all__ = [
    "NO_CONSTANTS",
    "OBSERVABLE_FIELDS",
    "FieldsHook",
    "add_url_host",
    "complete_fields",
    "completing_hook",
    "extra_boolean",
    "extra_integer",
    "extra_list",
    "extra_number",
    "feed_defaults",
    "match_header_case",
    "note_unknown_columns",
    "parse_csv_feed",
    "parse_csv_records",
    "reading",
    "url_converter",
    "without_bom",
]

NO_CONSTANTS: Mapping[str, FieldValue] = MappingProxyType({})

FieldsHook = Callable[[dict[str, FieldValue]], None]
"""Changes a row's fields in place (derived fields); raises ``RowError`` to reject the row."""

OBSERVABLE_FIELDS: frozenset[str] = frozenset(
    {
        *(f"{side}.{name}" for side in ("source", "destination")
          for name in ("ip", "network", "fqdn", "url", "asn", "account")),
        "malware.hash.md5",
        "malware.hash.sha1",
        "malware.hash.sha256",
    }
)  # fmt: skip
"""A row must carry at least one of these: an event about nothing cannot be acted on."""

_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,30}")
_TRUE, _FALSE = frozenset({"true", "yes", "1"}), frozenset({"false", "no", "0"})

_OPTION_FIELDS = (
    ("feed.name", "feed_name"),
    ("feed.provider", "provider"),
    ("feed.accuracy", "accuracy"),
    ("tlp", "tlp"),
    ("classification.type", "classification_type"),
)


def _checked_option(source_name: str, name: str, value: object) -> FieldValue:
    try:
        return validate_field(name, value)
    except InvalidEvent as exc:
        raise FeedFormatError(source_name, f"feed option {name}: {exc.reason}") from None


def feed_defaults(
    source_name: str, options: ParseOptions, constants: Mapping[str, FieldValue] = NO_CONSTANTS
) -> dict[str, FieldValue]:
    """Return the default fields of every row: ``constants`` < options < ``options.constants``.

    Empty options are left out. Raises ``FeedFormatError`` naming ``source_name`` and the
    option when an option's value is not valid for its field (every row would carry it).
    """
    wanted: dict[str, object] = dict(constants)
    for name, attribute in _OPTION_FIELDS:
        value = getattr(options, attribute)
        if value is not None and value != "":
            wanted[name] = value
    wanted.update(options.constants)
    return {name: _checked_option(source_name, name, value) for name, value in wanted.items()}


def complete_fields(fields: dict[str, FieldValue], defaults: Mapping[str, FieldValue]) -> None:
    """Put ``defaults`` under ``fields`` (the row's own values win) and check the result.

    Fills ``classification.taxonomy`` from the type when absent. Raises ``RowError`` when
    ``time.source`` or ``classification.type`` is missing, when the type does not belong
    to a given taxonomy, or when no field of ``OBSERVABLE_FIELDS`` is present.
    """
    for name, value in defaults.items():
        fields.setdefault(name, value)
    kind = fields.get("classification.type")
    if kind is None:
        raise RowError("classification.type", "", "is required: the feed gives none")
    try:
        fields["classification.taxonomy"] = classify(
            kind, fields.get("classification.taxonomy")
        ).taxonomy
    except InvalidTaxonomy as exc:
        raise RowError(exc.field, exc.value, exc.reason) from None
    if "time.source" not in fields:
        raise RowError("time.source", "", "is required but empty")
    if OBSERVABLE_FIELDS.isdisjoint(fields):
        raise RowError("observable", "", "is missing: no IP, network, domain, URL or hash")


def completing_hook(
    defaults: Mapping[str, FieldValue], row_hook: FieldsHook | None = None
) -> RowHook:
    """Return a column plan's hook: ``row_hook``, then ``complete_fields`` with ``defaults``.

    Either may raise ``RowError``; ``apply_plan`` then yields the row as ``Rejected``.
    """

    def complete(fields: dict[str, FieldValue], _values: list[str]) -> None:
        if row_hook is not None:
            row_hook(fields)
        complete_fields(fields, defaults)

    return complete


def match_header_case(header: list[str], columns: Iterable[Column]) -> list[Column]:
    """Return ``columns`` renamed to the header's spelling of each name, ignoring case."""
    spelled = {name.lower(): name for name in reversed(header)}
    matched = []
    for column in columns:
        name = spelled.get(column.name.lower(), column.name)
        matched.append(column if name == column.name else _renamed(column, name))
    return matched


def _renamed(column: Column, name: str) -> Column:
    return Column(name, column.target, column.required, column.zero_is_empty, column.converter)


def note_unknown_columns(options: ParseOptions, names: Iterable[str]) -> None:
    """Add ``names`` to ``options.unknown_columns``, each once, in the order met."""
    for name in names:
        if name not in options.unknown_columns:
            options.unknown_columns.append(name)


def parse_csv_records(
    csv_file: CsvFile,
    source_name: str,
    options: ParseOptions,
    columns: Iterable[Column],
    constants: Mapping[str, FieldValue] = NO_CONSTANTS,
    row_hook: FieldsHook | None = None,
    ignored: Collection[str] = (),
) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per record of an opened CSV file.

    Header names not used by ``columns`` nor listed in ``ignored`` (compared ignoring
    case) are added to ``options.unknown_columns``. Raises ``FeedFormatError`` naming the
    required columns the header lacks, or a bad option value (see ``feed_defaults``).
    """
    defaults = feed_defaults(source_name, options, constants)
    try:
        plan = compile_plan(csv_file.header, match_header_case(csv_file.header, columns))
    except MissingColumns as exc:
        raise FeedFormatError(
            source_name, f"has no column named {', '.join(exc.names)} in its header"
        ) from None
    skipped = {name.lower() for name in ignored}
    note_unknown_columns(options, (name for name in plan.unused if name.lower() not in skipped))
    yield from apply_plan(plan, csv_file.records, completing_hook(defaults, row_hook))


def parse_csv_feed(
    source: Source,
    options: ParseOptions,
    columns: Iterable[Column],
    separator: str = ",",
    constants: Mapping[str, FieldValue] = NO_CONSTANTS,
    row_hook: FieldsHook | None = None,
    ignored: Collection[str] = (),
) -> Iterator[Row]:
    """Yield one row per record of the CSV ``source`` (``separator`` ``","`` or ``", "``).

    Raises ``FeedFormatError`` (when iterated) for a source without a header line, and as
    ``parse_csv_records`` does.
    """
    with reading(source) as readable:
        csv_file = read_csv(readable, separator)
        yield from parse_csv_records(
            csv_file, source.name, options, columns, constants, row_hook, ignored
        )


def without_bom(source: Source) -> Source:
    """Return ``source`` with a leading byte-order mark dropped from its text.

    ``sources`` already drops it from files; text handed over already decoded (an API
    upload, a test) may still start with U+FEFF, which would hide the header.
    """

    def open_text() -> TextIO:
        stream = source.open_text()
        if stream.read(1) == "\ufeff":
            return stream
        stream.close()  # not every stream can seek back (gzip): open it again instead
        return source.open_text()

    return Source(name=source.name, open_text=open_text)


@contextmanager
def reading(source: Source) -> Iterator[Source]:
    """Give ``source`` without its BOM; close every stream opened through it on leaving.

    ``read_csv`` keeps its stream open for the records; when a parser stops early (a
    missing column, a consumer that stops iterating) nothing else would close it, and a
    file left for the garbage collector warns.
    """
    opened: list[TextIO] = []
    plain = without_bom(source)

    def open_text() -> TextIO:
        stream = plain.open_text()
        opened.append(stream)
        return stream

    try:
        yield Source(name=source.name, open_text=open_text)
    finally:
        for stream in opened:
            stream.close()


_HOST_CONVERTERS: Mapping[str, Converter] = MappingProxyType(
    {
        f"{side}.{name}": converter_for(f"{side}.{name}")
        for side in ("source", "destination")
        for name in ("ip", "fqdn")
    }
)


def add_url_host(fields: dict[str, FieldValue], url_field: str = "source.url") -> None:
    """Set ``source.ip`` or ``source.fqdn`` from the host of ``fields[url_field]``.

    A value the row already has wins (URLhaus operator feeds give the resolved IP). A
    host that is neither a valid name nor an address is left out: the URL stays the
    observable, the host is only derived from it.
    """
    url = fields.get(url_field)
    if not isinstance(url, str):
        return
    try:
        host = url_host(url)
    except InvalidIndicator:
        return
    side = url_field.split(".", 1)[0]
    try:
        ipaddress.ip_address(host)
    except ValueError:
        target = f"{side}.fqdn"
    else:
        target = f"{side}.ip"
    if target not in fields:
        try:
            fields[target] = _HOST_CONVERTERS[target](host)
        except RowError:
            return


def url_converter(name: str) -> Converter:
    """Return ``name``'s URL converter that first writes spaces as ``%20``.

    Feeds list URLs with spaces in the path (as a browser would send them, encoded); the
    event's URL type refuses white space, and the listing must not be lost for it.
    """
    convert = converter_for(name)

    def url_with_spaces_encoded(text: str) -> FieldValue:
        return convert(text.strip().replace(" ", "%20"))

    return url_with_spaces_encoded


def _refuse_formula(name: str, text: str) -> None:
    if looks_like_formula(text):
        raise RowError(name, text, "looks like a spreadsheet formula")


def extra_list(name: str, separator: str = ",") -> Converter:
    """Return a converter of ``"a,b,c"`` to ``["a", "b", "c"]`` (blank items dropped)."""

    def convert(text: str) -> FieldValue:
        items = [item.strip() for item in text.split(separator)]
        for item in items:
            _refuse_formula(name, item)
        return [item for item in items if item]

    return convert


def extra_integer(name: str) -> Converter:
    """Return a converter of a whole number's text to ``int``."""

    def convert(text: str) -> FieldValue:
        value = text.strip()
        if not _WHOLE_NUMBER.fullmatch(value):
            raise RowError(name, text, "is not a whole number")
        return int(value)

    return convert


def extra_number(name: str) -> Converter:
    """Return a converter of a finite decimal number's text to ``float``."""

    def convert(text: str) -> FieldValue:
        try:
            value = float(text.strip())
        except ValueError:
            raise RowError(name, text, "is not a number") from None
        if not math.isfinite(value):
            raise RowError(name, text, "is not a finite number")
        return value

    return convert


def extra_boolean(name: str) -> Converter:
    """Return a converter of ``True``/``False``/``yes``/``no``/``1``/``0`` to ``bool``."""

    def convert(text: str) -> FieldValue:
        value = text.strip().lower()
        if value not in _TRUE | _FALSE:
            raise RowError(name, text, "is not true or false")
        return value in _TRUE

    return convert
