"""Generic CSV: any headed CSV whose columns the feed registry maps to event fields.

The registry entry declares ``column_map`` ``{input column: event field}`` (the names of
``cleannet.core.event_fields.FIELDS``, or ``extra.<key>``). Every mapped value goes
through that field's converter, as core would normalise it; a value it refuses rejects
the row naming the field. Header names are matched ignoring case.

* The header is the first line that is only column names, or a ``#`` banner's last line
  of names (``cleannet.engines.feeds.csvrows``). Fields are separated by ``,``; a space
  after the comma is ignored, so ``"a", "b"`` reads too. Other separators (``;``, tab)
  are not read: ``csvrows`` splits on commas only.
* A mapped column missing from the header: ``FeedFormatError`` naming it (the mapping
  is out of date, and every row would lose that field).
* Header names the map does not name go to ``options.unknown_columns``.
* ``classification.type`` and ``time.source`` must each come from a mapped column or
  the options (``classification_type``, ``constants``); with neither the file is refused
  (``FeedFormatError``), since every row would be.
* A row with no observable (IP, network, domain, URL, hash, ASN, account) is rejected.
  A ``source.url`` (or ``destination.url``) also sets its host's ``.fqdn`` or ``.ip``
  unless a column does.
* Times are ISO 8601 (a space for ``T`` and a trailing ``UTC`` accepted; no zone means
  UTC). Unix seconds written as text are refused, as core refuses them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from cleannet.core.event_fields import FIELDS, FieldType
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.convert import converter_for
from cleannet.engines.feeds.csvrows import read_csv
from cleannet.engines.feeds.formats.common import (
    add_url_host,
    feed_defaults,
    parse_csv_records,
    reading,
    url_converter,
)
from cleannet.engines.feeds.records import FeedFormatError, ParseOptions, Row, Source
from cleannet.engines.feeds.rowplan import Column

__all__ = ["columns_from_map", "parse"]

# A space after a comma is skipped in this mode: plain "a,b" files read the same way.
SEPARATOR = ", "
_NEEDED = ("time.source", "classification.type")


def _is_url(target: str) -> bool:
    spec = FIELDS.get(target)
    return spec is not None and spec.type is FieldType.URL


def columns_from_map(source_name: str, column_map: Mapping[str, str]) -> list[Column]:
    """Return one ``Column`` per entry of ``column_map``, each required in the header.

    Raises ``FeedFormatError`` naming an entry whose event field does not exist.
    """
    columns = []
    for name, target in column_map.items():
        try:
            convert = url_converter(target) if _is_url(target) else converter_for(target)
        except KeyError:
            raise FeedFormatError(
                source_name, f"column_map sends {name!r} to {target!r}, which is no event field"
            ) from None
        columns.append(Column(name, target, converter=convert))
    return columns


def _check_header(source_name: str, header: list[str], columns: list[Column]) -> None:
    present = {name.lower() for name in header}
    missing = [column.name for column in columns if column.name.lower() not in present]
    if missing:
        raise FeedFormatError(
            source_name, f"has no column named {', '.join(missing)} (from the column_map)"
        )


def _check_needed(source_name: str, columns: list[Column], options: ParseOptions) -> None:
    given = {column.target for column in columns} | set(feed_defaults(source_name, options))
    for name in _NEEDED:
        if name not in given:
            raise FeedFormatError(
                source_name, f"gives no {name}: map a column to it or set it in the feed options"
            )


def _add_url_hosts(fields: dict[str, FieldValue]) -> None:
    add_url_host(fields, "source.url")
    add_url_host(fields, "destination.url")


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per record, mapped by ``options.column_map``.

    Raises ``FeedFormatError`` (when iterated) for an empty or bad ``column_map``, a
    file without a header line, a mapped column missing from the header, no way to get
    ``time.source`` or ``classification.type``, or a bad feed option.
    """
    if not options.column_map:
        raise FeedFormatError(source.name, "has no column_map in its feed options")
    columns = columns_from_map(source.name, options.column_map)
    _check_needed(source.name, columns, options)
    with reading(source) as readable:
        csv_file = read_csv(readable, SEPARATOR)
        _check_header(source.name, csv_file.header, columns)
        yield from parse_csv_records(
            csv_file, source.name, options, columns, row_hook=_add_url_hosts
        )
