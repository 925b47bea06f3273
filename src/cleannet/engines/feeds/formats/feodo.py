"""Feodo Tracker (abuse.ch) botnet C2 IP blocklist, as CSV or as JSON.

The listed address is the C2 server, the host being reported, so it goes in
``source.ip`` as IntelMQ's ``parser_feodotracker`` does; every row is a ``c2-server``
unless the feed's options say otherwise.

CSV ``ipblocklist.csv``: a ``#`` banner, then an uncommented quoted header, read by name.

=================  ==========================  =============================================
column             event field                 note
=================  ==========================  =============================================
first_seen_utc     time.source                 else ``last_online`` at 00:00 UTC
dst_ip             source.ip                   required
dst_port           source.port
c2_status          status                      ``online`` / ``offline``
last_online        extra.last_online           the feed's text (a date)
malware            malware.name                lower case
=================  ==========================  =============================================

JSON ``ipblocklist.json``: a list of objects, one record each (``row`` is its 1-based
position in the list, ``raw`` its compact JSON). Keys as IntelMQ maps them:

=================  ==========================  =============================================
key                event field                 note
=================  ==========================  =============================================
ip_address         source.ip                   required
port               source.port
status             status
hostname           source.reverse_dns
as_number          source.asn
as_name            source.as_name
country            source.geolocation.cc
first_seen         time.source                 else ``last_online`` at 00:00 UTC
last_online        extra.last_online
malware            malware.name                lower case
=================  ==========================  =============================================

Unknown keys are recorded in ``options.unknown_columns`` like unknown CSV columns. An
element that is not an object is rejected; text that is not a JSON list is a
``FeedFormatError``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import MappingProxyType

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.convert import converter_for
from cleannet.engines.feeds.csvrows import BadRecord, Record
from cleannet.engines.feeds.formats.common import (
    completing_hook,
    feed_defaults,
    note_unknown_columns,
    parse_csv_feed,
    without_bom,
)
from cleannet.engines.feeds.records import FeedFormatError, ParseOptions, Row, Source
from cleannet.engines.feeds.rowplan import Column, apply_plan, compile_plan

__all__ = ["CSV_COLUMNS", "JSON_KEYS", "parse", "parse_csv", "parse_json"]

FORMAT_CONSTANTS: MappingProxyType[str, FieldValue] = MappingProxyType(
    {"classification.type": "c2-server"}
)

CSV_COLUMNS: tuple[Column, ...] = (
    Column("first_seen_utc", "time.source"),
    Column("dst_ip", "source.ip", required=True),
    Column("dst_port", "source.port"),
    Column("c2_status", "status"),
    Column("last_online", "extra.last_online"),
    Column("malware", "malware.name"),
)

JSON_KEYS: tuple[Column, ...] = (
    Column("ip_address", "source.ip", required=True),
    Column("port", "source.port"),
    Column("status", "status"),
    Column("hostname", "source.reverse_dns"),
    Column("as_number", "source.asn", zero_is_empty=True),
    Column("as_name", "source.as_name"),
    Column("country", "source.geolocation.cc"),
    Column("first_seen", "time.source"),
    Column("last_online", "extra.last_online"),
    Column("malware", "malware.name"),
)
_JSON_HEADER = [key.name for key in JSON_KEYS]
_TIME_SOURCE = converter_for("time.source")


def _time_from_last_online(fields: dict[str, FieldValue]) -> None:
    # IntelMQ's rule: without a first-seen time the C2 was at least online that day.
    last_online = fields.get("extra.last_online")
    if "time.source" not in fields and isinstance(last_online, str):
        fields["time.source"] = _TIME_SOURCE(last_online[:10])


def parse_csv(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per row of ``ipblocklist.csv``, in input order.

    Raises ``FeedFormatError`` (when iterated) for a file without a header line or without
    a ``dst_ip`` column.
    """
    return parse_csv_feed(
        source,
        options,
        CSV_COLUMNS,
        constants=FORMAT_CONSTANTS,
        row_hook=_time_from_last_online,
    )


def _json_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _json_records(items: list[object]) -> Iterator[Record | BadRecord]:
    """Yield each list element as a record with the values of ``JSON_KEYS`` in order."""
    for row, item in enumerate(items, start=1):
        raw = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        if isinstance(item, dict):
            yield (row, [_json_text(item.get(key)) for key in _JSON_HEADER], raw)
        else:
            yield BadRecord(row, f"is a JSON {type(item).__name__}, not an object", raw)


def _unknown_keys(items: list[object]) -> list[str]:
    """Return the keys of the objects in ``items`` that ``JSON_KEYS`` does not name."""
    keys = (key for item in items if isinstance(item, dict) for key in item)
    return [key for key in dict.fromkeys(keys) if key not in _JSON_HEADER]


def _load_list(source: Source) -> list[object]:
    try:
        document = json.loads(without_bom(source).read_text())
    except ValueError as exc:  # JSONDecodeError, and text that is not UTF-8
        raise FeedFormatError(source.name, f"is not JSON: {exc}") from None
    if not isinstance(document, list):
        raise FeedFormatError(source.name, f"is a JSON {type(document).__name__}, not a list")
    return document


def parse_json(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per object of ``ipblocklist.json``, in order.

    Raises ``FeedFormatError`` (when iterated) when the text is not a JSON list, or a
    feed option is not valid.
    """
    defaults = feed_defaults(source.name, options, FORMAT_CONSTANTS)
    items = _load_list(source)
    note_unknown_columns(options, _unknown_keys(items))
    plan = compile_plan(_JSON_HEADER, JSON_KEYS)
    hook = completing_hook(defaults, _time_from_last_online)
    yield from apply_plan(plan, _json_records(items), hook)


def _looks_like_json(source: Source) -> bool:
    with without_bom(source).open_text() as stream:
        start = stream.read(512).lstrip()
    return start.startswith(("[", "{"))


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield the rows of a Feodo Tracker blocklist, JSON or CSV as the text starts.

    Raises ``FeedFormatError`` as ``parse_json`` or ``parse_csv`` does.
    """
    if _looks_like_json(source):
        yield from parse_json(source, options)
    else:
        yield from parse_csv(source, options)
