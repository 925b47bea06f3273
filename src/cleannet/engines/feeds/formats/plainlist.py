"""Plain lists: one observable per line (blocklists of IPs, domains, URLs, hashes).

Lines that are blank or start with ``#`` or ``;`` are comments, not records. A comment
after the value, set off by white space (``192.0.2.7  # seen in x``), is dropped; a
``#`` inside a URL (a fragment) has no space before it and stays. ``row`` is the line
number, ``raw`` the line.

What a line is: the kind ``options.column_map["kind"]`` names, for every line, when the
feed registry sets it (any ``IndicatorKind`` value, or ``ip`` for either version);
otherwise each line's own shape, by ``cleannet.core.indicators.guess_kind``.

=================  ==========================  =============================================
kind               event field                 note
=================  ==========================  =============================================
ipv4, ipv6, ip     source.ip
cidr               source.network              host bits cleared
domain             source.fqdn                 A-labels for an IDN
url                source.url                  and ``source.fqdn``/``source.ip`` of its host
md5, sha1, sha256  malware.hash.*
asn                source.asn
email              source.account
phone              (none)                      the line is rejected
=================  ==========================  =============================================

``time.source``: a list says when it was published at most, never when each entry was
seen, and a parser must give the same rows for the same input and options (no clock).
So, the first that applies:

1. ``options.constants["time.source"]``, when the feed registry sets it;
2. the banner's time: a comment before the first value saying ``Last updated``,
   ``Updated`` or ``Generated``, then an ISO date and time (taken as UTC when the
   banner gives no zone, as abuse.ch's ``(UTC)`` banners mean);
3. ``options.constants["time.observation"]``, the collection time the pipeline passes;
4. none: ``FeedFormatError``, raised at the first value (every row would lack a time).

``classification.type`` comes from the options (``classification_type`` or constants);
without one every row is rejected naming the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from cleannet.core.errors import InvalidIndicator
from cleannet.core.event_values import FieldValue
from cleannet.core.indicators import IndicatorKind, guess_kind
from cleannet.engines.feeds.convert import Converter, converter_for
from cleannet.engines.feeds.formats.common import (
    add_url_host,
    complete_fields,
    feed_defaults,
    url_converter,
    without_bom,
)
from cleannet.engines.feeds.records import (
    Accepted,
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
    RowError,
    Source,
    clip,
)

__all__ = ["KIND_FIELDS", "banner_time", "parse"]

KIND_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "ip": "source.ip",
        IndicatorKind.IPV4: "source.ip",
        IndicatorKind.IPV6: "source.ip",
        IndicatorKind.CIDR: "source.network",
        IndicatorKind.DOMAIN: "source.fqdn",
        IndicatorKind.URL: "source.url",
        IndicatorKind.MD5: "malware.hash.md5",
        IndicatorKind.SHA1: "malware.hash.sha1",
        IndicatorKind.SHA256: "malware.hash.sha256",
        IndicatorKind.ASN: "source.asn",
        IndicatorKind.EMAIL: "source.account",
    }
)
"""Each indicator kind a list may hold and the event field its value fills."""

_CONVERTERS: Mapping[str, Converter] = MappingProxyType(
    {
        field: url_converter(field) if field == "source.url" else converter_for(field)
        for field in set(KIND_FIELDS.values())
    }
)
_COMMENT_STARTS = ("#", ";")
_TRAILING_COMMENT = re.compile(r"\s+[#;].*$")
_BANNER_TIME = re.compile(
    r"\b(?:last[ _-]?updated|updated|generated)\b\D{0,20}?"
    r"(\d{4}-\d\d-\d\d(?:[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?"
    r"(?:\s*(?:Z|UTC|GMT|[+-]\d\d:?\d\d))?)",
    re.IGNORECASE,
)
_TIME_SOURCE = converter_for("time.source")


def _value_of(line: str) -> str | None:
    """Return the observable text of ``line``, or None for a blank or comment line."""
    text = line.strip()
    if not text or text.startswith(_COMMENT_STARTS):
        return None
    return _TRAILING_COMMENT.sub("", text)


def banner_time(line: str) -> FieldValue | None:
    """Return the UTC time a banner comment line gives as its update time, else None."""
    match = _BANNER_TIME.search(line)
    if match is None:
        return None
    try:
        return _TIME_SOURCE(match[1])
    except RowError:
        return None


def _forced_kind(source_name: str, options: ParseOptions) -> str | None:
    named = options.column_map.get("kind")
    if named is None:
        return None
    kind = named.strip().lower()
    if kind not in KIND_FIELDS:
        known = ", ".join(str(name) for name in KIND_FIELDS)
        raise FeedFormatError(source_name, f"feed option kind={named!r} is not one of {known}")
    return kind


def _with_time(
    source_name: str, defaults: dict[str, FieldValue], banner: FieldValue | None
) -> dict[str, FieldValue]:
    """Return ``defaults`` with ``time.source`` chosen by the rule in the module docstring."""
    if "time.source" in defaults:
        return defaults
    chosen = banner if banner is not None else defaults.get("time.observation")
    if chosen is None:
        reason = (
            "is a plain list with no time: give time.source or time.observation in the "
            "feed options, or a 'Last updated' banner"
        )
        raise FeedFormatError(source_name, reason)
    return {**defaults, "time.source": chosen}


def _fields_of(value: str, forced: str | None) -> dict[str, FieldValue]:
    """Return the event fields of one observable. Raises ``RowError``."""
    try:
        kind = forced or guess_kind(value)
    except InvalidIndicator as exc:
        raise RowError("observable", value, exc.reason) from None
    field = KIND_FIELDS.get(kind)
    if field is None:
        raise RowError("observable", value, f"is a {kind}, which no event field holds")
    fields = {field: _CONVERTERS[field](value)}
    add_url_host(fields)
    return fields


def _row(
    number: int, line: str, value: str, forced: str | None, defaults: dict[str, FieldValue]
) -> Row:
    raw = clip(line.rstrip("\r\n"))
    try:
        fields = _fields_of(value, forced)
        complete_fields(fields, defaults)
    except RowError as exc:
        return Rejected(number, exc.reason, raw, exc.field)
    return Accepted(number, fields, raw)


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per value line of a plain list, in order.

    Raises ``FeedFormatError`` (when iterated) for an unknown forced kind, a bad feed
    option, or a list that gives no time (see the module docstring).
    """
    forced = _forced_kind(source.name, options)
    defaults = feed_defaults(source.name, options)
    banner: FieldValue | None = None
    timed: dict[str, FieldValue] | None = None
    with without_bom(source).open_text() as stream:
        for number, line in enumerate(stream, start=1):
            value = _value_of(line)
            if value is None:
                if timed is None and banner is None:
                    banner = banner_time(line)
                continue
            timed = timed or _with_time(source.name, defaults, banner)
            yield _row(number, line, value, forced, timed)
