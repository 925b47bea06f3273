"""Helpers shared by the JSON formats (STIX 2.1, MISP): loading, reading, building rows.

A JSON parser collects the fields one record says into a *candidate* dict of dotted
names, then :func:`build_row` puts the feed's defaults under it (:func:`row_defaults`,
built once per source on ``common.feed_defaults``) and runs ``Event.from_dict`` over it,
so accepted values are normalised exactly as core does and a refused value becomes a
``Rejected`` naming the event field and core's reason.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Iterable, Mapping

from cleannet.core.errors import InvalidEvent, InvalidIndicator, InvalidValue
from cleannet.core.event import Event
from cleannet.core.event_values import FieldValue
from cleannet.core.indicators import normalise_email
from cleannet.engines.feeds.formats.common import OBSERVABLE_FIELDS, add_url_host, feed_defaults
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
    Source,
    clip,
)

__all__ = [
    "JSONObject",
    "RowDefaults",
    "address_fields",
    "as_object",
    "build_row",
    "email_fields",
    "list_at",
    "load_json",
    "most_restrictive_tlp",
    "object_at",
    "raw_json",
    "rejection",
    "row_defaults",
    "text_at",
]

JSONObject = Mapping[str, object]
"""A decoded JSON object (``json.loads`` gives ``str`` keys)."""

RowDefaults = Mapping[str, FieldValue]
"""Validated fields every row of a source gets unless it sets them (:func:`row_defaults`)."""

_UNDETERMINED = "undetermined"
# TLP levels from least to most restrictive; TLP 1.0's WHITE is TLP 2.0's CLEAR.
_TLP_RANK = {"CLEAR": 0, "WHITE": 0, "GREEN": 1, "AMBER": 2, "AMBER+STRICT": 3, "RED": 4}


def load_json(source: Source) -> object:
    """Return the decoded JSON document of ``source`` (a leading BOM is allowed).

    Raises ``FeedFormatError`` naming the source if it is not UTF-8 text, is empty,
    is not JSON (with the line and column), or is nested too deeply to decode.
    """
    try:
        text = source.read_text()
    except UnicodeDecodeError as error:
        raise FeedFormatError(source.name, f"is not UTF-8 text ({error.reason})") from None
    # The BOM survives when a caller opened the file as plain UTF-8 rather than utf-8-sig.
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise FeedFormatError(source.name, "is empty, not JSON")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise FeedFormatError(source.name, f"is not JSON: {error.msg} at {where}") from None
    except RecursionError:
        raise FeedFormatError(source.name, "is nested too deeply to read as JSON") from None


def raw_json(value: object) -> str:
    """Return ``value`` as compact JSON text, clipped to the evidence limit."""
    return clip(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))


def as_object(value: object) -> JSONObject | None:
    """Return ``value`` if it is a JSON object, else ``None``."""
    return value if isinstance(value, dict) else None


def object_at(document: JSONObject, key: str) -> JSONObject:
    """Return the object under ``key``, or an empty one if absent or not an object."""
    value = document.get(key)
    return value if isinstance(value, dict) else {}


def list_at(document: JSONObject, key: str) -> list[object]:
    """Return the list under ``key``, or an empty list if absent or not a list."""
    value = document.get(key)
    return value if isinstance(value, list) else []


def text_at(document: JSONObject, key: str) -> str:
    """Return the text under ``key`` stripped, or ``""`` if absent or not text."""
    value = document.get(key)
    return value.strip() if isinstance(value, str) else ""


def address_fields(value: object, side: str = "source") -> dict[str, object]:
    """Return ``{side}.ip`` for an address (or a /32, /128 prefix), else ``{side}.network``.

    Feeds write single hosts as ``198.51.100.1/32``; the host is what attribution needs.
    Anything else is handed on unchanged for ``Event.from_dict`` to judge.
    """
    if not isinstance(value, str) or "/" not in value:
        return {f"{side}.ip": value}
    try:
        network = ipaddress.ip_network(value.strip(), strict=False)
    except ValueError:
        return {f"{side}.network": value}
    if network.num_addresses == 1:
        return {f"{side}.ip": str(network.network_address)}
    return {f"{side}.network": value}


def email_fields(value: object) -> dict[str, object]:
    """Return ``source.account`` holding the e-mail address in its canonical form.

    ``source.account`` is plain text to core, so the address is checked here. Raises
    ``InvalidEvent`` naming ``source.account`` if ``value`` is not an e-mail address.
    """
    if not isinstance(value, str):
        raise InvalidEvent("source.account", value, f"expected text, got {type(value).__name__}")
    try:
        return {"source.account": normalise_email(value)}
    except InvalidIndicator as error:
        raise InvalidEvent("source.account", value, error.reason) from None


def most_restrictive_tlp(levels: Iterable[str]) -> str | None:
    """Return the most restrictive of ``levels`` (``TLP:`` prefix and case ignored).

    Unknown names are ignored; returns ``None`` when no level is known.
    """
    known = [
        level
        for level in (name.strip().upper().removeprefix("TLP:").strip() for name in levels)
        if level in _TLP_RANK
    ]
    return max(known, key=_TLP_RANK.__getitem__, default=None)


def row_defaults(source_name: str, options: ParseOptions) -> dict[str, FieldValue]:
    """Return the fields every row gets unless it sets them: ``feed_defaults``, then
    ``classification.type`` ``undetermined`` when neither the record nor the feed gives one.

    Raises ``FeedFormatError`` naming ``source_name`` for an option that is not valid.
    """
    defaults = feed_defaults(source_name, options)
    defaults.setdefault("classification.type", _UNDETERMINED)
    return defaults


def rejection(row: int, error: InvalidValue, raw: str) -> Rejected:
    """Return the ``Rejected`` for a value core refused: its field and full message."""
    return Rejected(row=row, reason=str(error), raw=raw, field=error.field)


def build_row(row: int, candidate: Mapping[str, object], defaults: RowDefaults, raw: str) -> Row:
    """Return ``Accepted`` with the normalised fields of ``candidate`` over ``defaults``.

    Blank candidate values count as absent. Fields go through ``Event.from_dict``, so a
    record lacking a required field (no ``feed.name`` in the options, no time) or holding
    a bad value comes back ``Rejected`` naming the field, as does one without any of
    ``OBSERVABLE_FIELDS``; nothing is raised. A URL's host is added as ``source.fqdn`` or
    ``source.ip`` unless the record gives one (``common.add_url_host``).
    """
    fields: dict[str, object] = {**defaults}
    fields.update((name, value) for name, value in candidate.items() if not _is_blank(value))
    if OBSERVABLE_FIELDS.isdisjoint(fields):
        reason = "no IP, network, domain, URL, account or hash: nothing to act on"
        return Rejected(row=row, reason=reason, raw=raw, field="observable")
    try:
        event = Event.from_dict(fields)
    except InvalidEvent as error:
        return rejection(row, error, raw)
    accepted = {name: event[name] for name in event}
    add_url_host(accepted)  # as the other formats do: attribution needs the URL's host
    return Accepted(row=row, fields=accepted, raw=raw)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
