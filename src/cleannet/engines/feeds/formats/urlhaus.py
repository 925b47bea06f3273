"""URLhaus (abuse.ch) CSV: URLs serving malware, from the database dumps and operator feeds.

Two layouts, both read by header name (matched ignoring case), so columns may be added,
dropped or reordered:

* dumps ``/downloads/csv_recent/``, ``csv_online``: a ``#`` banner whose last line is the
  header ``id,dateadded,url,url_status,last_online,threat,tags,urlhaus_link,reporter``
  (2020 dumps lack ``last_online``);
* network-operator feeds ``/feeds/asn/<ASN>/``, ``/feeds/country/<CC>/``,
  ``/feeds/tld/<TLD>/``: ``Dateadded,URL,URL_status,Threat,[Tags],Host,IPaddress,
  ASnumber,Country``.

=================  ==========================  =============================================
column             event field                 note
=================  ==========================  =============================================
id                 extra.urlhaus_id            text, as listed
dateadded          time.source                 required; UTC per the banner
url                source.url                  required; spaces written ``%20``
url_status         status                      ``online`` / ``offline``
last_online        extra.last_online           the feed's text
threat             extra.threat                and ``classification.type``: see below
tags               extra.tags                  list, split on ``,``
urlhaus_link       event_description.url
reporter           extra.reporter
Host               (ignored)                   the URL's host is used instead
IPaddress          source.ip                   wins over an IP taken from the URL
ASnumber           source.asn                  ``0`` means unknown
Country            source.geolocation.cc
=================  ==========================  =============================================

Derived: ``source.fqdn`` (A-labels for an IDN) or ``source.ip`` from the URL's host.
``classification.type``: ``malware_download`` → ``malware-distribution`` (as IntelMQ's
``type_translation`` for this feed); another ``threat`` value leaves the type to the
feed's default, else ``malware-distribution``, and stays in ``extra.threat``.

``malware.name`` is not set: tags mix families (``Mozi``) with descriptions (``elf``,
``mips``, ``32-bit``) and telling them apart needs the family catalogue, which the
enrichment step has (``server.intel``); ``extra.tags`` keeps them all for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import MappingProxyType

from cleannet.core.event_values import FieldValue
from cleannet.engines.feeds.formats.common import (
    add_url_host,
    extra_list,
    parse_csv_feed,
    url_converter,
)
from cleannet.engines.feeds.records import ParseOptions, Row, Source
from cleannet.engines.feeds.rowplan import Column

__all__ = ["COLUMNS", "THREAT_TYPES", "parse"]

COLUMNS: tuple[Column, ...] = (
    Column("id", "extra.urlhaus_id"),
    Column("dateadded", "time.source", required=True),
    Column("url", "source.url", required=True, converter=url_converter("source.url")),
    Column("url_status", "status"),
    Column("last_online", "extra.last_online"),
    Column("threat", "extra.threat"),
    Column("tags", "extra.tags", converter=extra_list("extra.tags")),
    Column("urlhaus_link", "event_description.url"),
    Column("reporter", "extra.reporter"),
    Column("ipaddress", "source.ip"),
    Column("asnumber", "source.asn", zero_is_empty=True),
    Column("country", "source.geolocation.cc"),
)
IGNORED = ("host",)

THREAT_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {"malware_download": "malware-distribution"}
)
"""URLhaus ``threat`` values and the RSIT type each means."""

FORMAT_CONSTANTS: MappingProxyType[str, FieldValue] = MappingProxyType(
    {"classification.type": "malware-distribution"}
)


def _derive_fields(fields: dict[str, FieldValue]) -> None:
    threat = fields.get("extra.threat")
    if isinstance(threat, str) and threat.lower() in THREAT_TYPES:
        fields["classification.type"] = THREAT_TYPES[threat.lower()]
    add_url_host(fields)


def parse(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one ``Accepted``/``Rejected`` per URLhaus record, in input order.

    Raises ``FeedFormatError`` (when iterated) for a file without a header line or
    without a ``dateadded`` or ``url`` column.
    """
    return parse_csv_feed(
        source,
        options,
        COLUMNS,
        constants=FORMAT_CONSTANTS,
        row_hook=_derive_fields,
        ignored=IGNORED,
    )
