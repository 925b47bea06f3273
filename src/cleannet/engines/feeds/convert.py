"""Fast field converters for the ingestion hot path, held to core's normalisers.

``converter_for(name)`` returns a function ``(text) -> value`` for the event field
``name`` that gives exactly what ``cleannet.core.event.validate_field(name, text)`` gives
(the tests check this on awkward and random input), but takes a fast path for the
common, already-canonical shapes feeds send (dotted-quad IPv4, digit strings, ISO
times) and caches results for values that repeat (addresses, names, countries).
A value core refuses raises ``RowError(field, value, reason)``.

Text fields that look like spreadsheet formulas (``=…``, ``@…``, ``+…(``/``-…!``) are
refused: such a value is never a real hostname, tag or malware name, and stored it would
reach an analyst's spreadsheet through an export.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from cleannet.core.errors import InvalidEvent
from cleannet.core.event import validate_field
from cleannet.core.event_fields import EXTRA_PREFIX, FIELDS, FieldType
from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.records import RowError

Converter = Callable[[str], FieldValue]

_IPV4 = re.compile(
    r"(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
)
_FORMULA = re.compile(r"[=@\t\r]|[+\-].*[(!|]")
_CACHE_LIMIT = 200_000


FORMULA_STARTS = frozenset("=@+-\t\r")


def looks_like_formula(text: str) -> bool:
    """Return True for text a spreadsheet would run as a formula (OWASP CSV injection)."""
    return bool(text) and text[0] in FORMULA_STARTS and bool(_FORMULA.match(text))


def _core(name: str) -> Converter:
    def convert(text: str) -> FieldValue:
        try:
            return validate_field(name, text)
        except InvalidEvent as exc:
            raise RowError(name, text, exc.reason) from None

    return convert


def _cached(name: str, convert: Converter) -> Converter:
    """Memoise ``convert``; the cache is dropped when full (feeds repeat a small set)."""
    cache: dict[str, FieldValue] = {}

    def cached(text: str) -> FieldValue:
        value = cache.get(text)
        if value is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            value = cache[text] = convert(text)
        return value

    cached.cache = cache  # type: ignore[attr-defined]  # column plans inline the lookup
    return cached


def _ip(name: str) -> Converter:
    slow = _core(name)

    def convert(text: str) -> FieldValue:
        if _IPV4.fullmatch(text) and text != "0.0.0.0":  # noqa: S104 (a value, not a bind)
            return text
        return slow(text)

    # Infected devices beacon many times a day: most addresses repeat within a file.
    return _cached(name, convert)


def _whole(name: str, low: int, high: int) -> Converter:
    slow = _core(name)

    def convert(text: str) -> FieldValue:
        if text.isascii() and text.isdigit():
            number = int(text)
            if low <= number <= high:
                return number
        return slow(text)

    convert.int_range = (low, high)  # type: ignore[attr-defined]  # column plans inline it
    return convert


def _time(name: str) -> Converter:
    slow = _core(name)

    def fresh(text: str) -> FieldValue:
        # What fromisoformat accepts, core accepts the same way (core only rewrites a
        # trailing " UTC" first, which fromisoformat refuses, so those go the slow way).
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return slow(text)
        if moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC)

    # Reports are sorted by time: many rows share a second.
    cached = _cached(name, fresh)
    cached.iso_time = True  # type: ignore[attr-defined]  # columnar readers vectorise it
    return cached


def _text(name: str, lower: bool) -> Converter:
    def convert(text: str) -> FieldValue:
        value = text.strip()
        if not value:
            raise RowError(name, text, "is empty")
        if looks_like_formula(value):
            raise RowError(name, text, "looks like a spreadsheet formula")
        return value.lower() if lower else value

    return _cached(name, convert)


def _extra(name: str) -> Converter:
    def convert(text: str) -> FieldValue:
        if text[0] in FORMULA_STARTS and looks_like_formula(text):
            raise RowError(name, text, "looks like a spreadsheet formula")
        return text

    convert.keeps_text = True  # type: ignore[attr-defined]  # column plans inline the check
    return convert


def converter_for(name: str) -> Converter:
    """Return the converter of event field ``name``; ``extra.*`` fields keep their text.

    Raises ``KeyError`` for a name that is neither in the catalogue nor under ``extra.``.
    """
    if name.startswith(EXTRA_PREFIX):
        return _extra(name)
    kind = FIELDS[name].type
    if kind is FieldType.IP:
        return _ip(name)
    if kind is FieldType.PORT:
        return _whole(name, 0, 65535)
    if kind is FieldType.ASN:
        return _whole(name, 1, 4_294_967_295)
    if kind is FieldType.DATETIME:
        return _time(name)
    if kind in (FieldType.STRING, FieldType.LOWER_STRING):
        return _text(name, lower=kind is FieldType.LOWER_STRING)
    if kind is FieldType.INTEGER:
        return _whole(name, 0, 2**63 - 1)
    return _cached(name, _core(name))
