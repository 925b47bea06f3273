"""ThreatFox (abuse.ch) CSV export: indicators of compromise tagged with a malware family.

The export (``/export/csv/recent/``, ``/export/csv/full/`` zipped) has a ``#`` banner whose
last line is the quoted header, data fields separated by ``", "`` and ``None`` for
nothing. Read by header name (ignoring case); older exports lack ``is_compromised``.

=================  ==========================  =============================================
column             event field                 note
=================  ==========================  =============================================
first_seen_utc     time.source                 required
ioc_id             extra.threatfox_id
ioc_value          by ``ioc_type``, below      required
ioc_type           (decides the field)         required
threat_type        classification.type         and ``extra.threat_type``; below
fk_malware         extra.malpedia              Malpedia name, e.g. ``win.cobalt_strike``
malware_alias      extra.malware_alias         list, split on ``,``
malware_printable  malware.name                lower case, as IntelMQ; ``Unknown malware``
                                               is no name
last_seen_utc      extra.last_seen             the feed's text
confidence_level   extra.confidence            whole number 0–100
is_compromised     extra.is_compromised        boolean
reference          extra.reference
tags               extra.tags                  list, split on ``,``
anonymous          (ignored)                   ``reporter`` already says ``anonymous``
reporter           extra.reporter
=================  ==========================  =============================================

``ioc_type``: ``ip:port`` → ``source.ip`` + ``source.port`` (IPv6 written ``[addr]:port``
or ``addr:port``); ``domain`` → ``source.fqdn``; ``url`` → ``source.url`` plus its host;
``md5_hash`` / ``sha1_hash`` / ``sha256_hash`` → ``malware.hash.*``. Another type rejects
the row (naming ``ioc_type``): its value would otherwise land in no field.

``threat_type``: ``botnet_cc`` → ``c2-server``; ``payload_delivery`` →
``malware-distribution``; ``payload`` → IntelMQ's ``malware`` (taxonomy ``other``). A
``payload`` IOC is the hash of a sample: RSIT's ``malware-configuration`` means a URI
serving a configuration file and ``malware-distribution`` a URI or host serving malware,
and a bare hash names neither, which is what ``other/malware`` is for (see
``cleannet.core.taxonomy``). Another value leaves the type to the feed's default.

``confidence_level`` does not become ``feed.accuracy``: that field is the registry's trust
in the whole feed, which the pipeline compares across feeds; the reporter's confidence
in one IOC is kept beside it in ``extra.confidence``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import MappingProxyType

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.convert import converter_for
from cleannet.engines.feeds.formats.common import (
    add_url_host,
    extra_boolean,
    extra_integer,
    extra_list,
    parse_csv_feed,
    url_converter,
)
from cleannet.engines.feeds.records import ParseOptions, Row, RowError, Source
from cleannet.engines.feeds.rowplan import Column

__all__ = ["COLUMNS", "IOC_TYPES", "THREAT_TYPES", "parse"]

SEPARATOR = ", "
_VALUE, _TYPE = "extra.ioc_value", "extra.ioc_type"  # read by the row hook, then removed


_MALWARE_NAME = converter_for("malware.name")


def _malware_name(text: str) -> FieldValue:
    # ThreatFox's placeholder family: naming every such IOC "unknown malware" would make
    # one huge fake family in the statistics.
    if text.strip().lower() == "unknown malware":
        return None
    return _MALWARE_NAME(text)


COLUMNS: tuple[Column, ...] = (
    Column("first_seen_utc", "time.source", required=True),
    Column("ioc_id", "extra.threatfox_id"),
    Column("ioc_value", _VALUE, required=True),
    Column("ioc_type", _TYPE, required=True),
    Column("threat_type", "extra.threat_type"),
    Column("fk_malware", "extra.malpedia"),
    Column("malware_alias", "extra.malware_alias", converter=extra_list("extra.malware_alias")),
    Column("malware_printable", "malware.name", converter=_malware_name),
    Column("last_seen_utc", "extra.last_seen"),
    Column("confidence_level", "extra.confidence", converter=extra_integer("extra.confidence")),
    Column(
        "is_compromised", "extra.is_compromised", converter=extra_boolean("extra.is_compromised")
    ),
    Column("reference", "extra.reference"),
    Column("tags", "extra.tags", converter=extra_list("extra.tags")),
    Column("reporter", "extra.reporter"),
)
IGNORED = ("anonymous",)

THREAT_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "botnet_cc": "c2-server",
        "payload_delivery": "malware-distribution",
        "payload": "malware",
    }
)
"""ThreatFox ``threat_type`` values and the classification type each means."""


_SOURCE_IP, _SOURCE_PORT = converter_for("source.ip"), converter_for("source.port")
_SOURCE_URL = url_converter("source.url")


def _ip_and_port(text: str) -> dict[str, FieldValue]:
    host, colon, port = text.strip().rpartition(":")
    if not colon:
        raise RowError("source.port", text, "is missing: ip:port without ':'")
    return {
        "source.ip": _SOURCE_IP(host.removeprefix("[").removesuffix("]")),
        "source.port": _SOURCE_PORT(port),
    }


def _url_and_host(text: str) -> dict[str, FieldValue]:
    fields: dict[str, FieldValue] = {"source.url": _SOURCE_URL(text)}
    add_url_host(fields)
    return fields


def _one_field(name: str) -> Callable[[str], dict[str, FieldValue]]:
    convert = converter_for(name)
    return lambda text: {name: convert(text)}


IOC_TYPES: MappingProxyType[str, Callable[[str], dict[str, FieldValue]]] = MappingProxyType(
    {
        "ip:port": _ip_and_port,
        "domain": _one_field("source.fqdn"),
        "url": _url_and_host,
        "md5_hash": _one_field("malware.hash.md5"),
        "sha1_hash": _one_field("malware.hash.sha1"),
        "sha256_hash": _one_field("malware.hash.sha256"),
    }
)
"""ThreatFox ``ioc_type`` values and how each one's value becomes event fields."""


def _derive_fields(fields: dict[str, FieldValue]) -> None:
    value, kind = str(fields.pop(_VALUE)), str(fields.pop(_TYPE)).lower()
    observable = IOC_TYPES.get(kind)
    if observable is None:
        raise RowError("ioc_type", kind, f"is not one of {', '.join(IOC_TYPES)}")
    fields.update(observable(value))
    threat = fields.get("extra.threat_type")
    if isinstance(threat, str) and threat.lower() in THREAT_TYPES:
        fields["classification.type"] = THREAT_TYPES[threat.lower()]


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per ThreatFox IOC, in input order.

    Raises ``FeedFormatError`` (when iterated) for a file without a header line or without
    a ``first_seen_utc``, ``ioc_value`` or ``ioc_type`` column.
    """
    return parse_csv_feed(
        source, options, COLUMNS, SEPARATOR, row_hook=_derive_fields, ignored=IGNORED
    )
