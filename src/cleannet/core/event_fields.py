"""The catalogue of event fields: IntelMQ's names, CleanNet's value types.

Every key an event may carry is listed in ``FIELDS`` with its value type, a one-line
description and an example, in the order the documentation shows them. ``extra.*`` keys
are free-form and not listed one by one. ``docs/data-format.md`` is generated from here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

__all__ = [
    "EXTRA_PREFIX",
    "FIELDS",
    "KEY_PATTERN",
    "REQUIRED_FIELDS",
    "TYPE_DESCRIPTIONS",
    "FieldSpec",
    "FieldType",
]

KEY_PATTERN = re.compile(r"^[a-z_][a-z_0-9]+(\.[a-z_0-9]+)*$")
"""IntelMQ's rule for keys, applied to every key including ``extra.*``."""

EXTRA_PREFIX = "extra."

REQUIRED_FIELDS: Mapping[str, str] = MappingProxyType(
    {
        "feed.name": "where the event came from: decides trust, and whom to ask about it",
        "time.source": "when it happened: attributing an IP to a subscriber needs the time",
        "classification.type": "what it is: decides who is told and how (taxonomy follows)",
    }
)
"""Keys every event must have, each with why."""


class FieldType(StrEnum):
    """The value types of event fields; each has one normaliser in ``cleannet.core.event``."""

    STRING = "string"
    LOWER_STRING = "lower_string"
    IP = "ip"
    IP_NETWORK = "ip_network"
    INTEGER = "integer"
    FLOAT = "float"
    ACCURACY = "accuracy"
    DATETIME = "datetime"
    URL = "url"
    FQDN = "fqdn"
    ASN = "asn"
    PORT = "port"
    COUNTRY_CODE = "country_code"
    REGISTRY = "registry"
    TLP = "tlp"
    CLASSIFICATION_TAXONOMY = "classification_taxonomy"
    CLASSIFICATION_TYPE = "classification_type"
    HASH_MD5 = "hash_md5"
    HASH_SHA1 = "hash_sha1"
    HASH_SHA256 = "hash_sha256"
    BOOLEAN = "boolean"
    BASE64 = "base64"
    JSON = "json"
    JSON_DICT = "json_dict"


TYPE_DESCRIPTIONS: Mapping[FieldType, str] = MappingProxyType(
    {
        FieldType.STRING: "Text, surrounding white space removed.",
        FieldType.LOWER_STRING: "Text, lower-cased, surrounding white space removed.",
        FieldType.IP: "An IPv4 or IPv6 address in compressed form; 0.0.0.0 and :: refused.",
        FieldType.IP_NETWORK: "A CIDR prefix; host bits are cleared, a bare address is a /32 "
        "or /128.",
        FieldType.INTEGER: "A whole number; digit strings accepted.",
        FieldType.FLOAT: "A finite decimal number; numeric strings accepted.",
        FieldType.ACCURACY: "A number from 0 to 100.",
        FieldType.DATETIME: "A UTC time, written ISO 8601 with +00:00. Accepts ISO 8601 with Z, "
        "an offset or a space separator, a trailing ' UTC', and Unix seconds as a number; a "
        "time without a zone is taken as UTC, a bare date as midnight UTC.",
        FieldType.URL: "An absolute URL with a host; hxxp/hxxps are re-fanged.",
        FieldType.FQDN: "A lower-case domain name in A-labels (punycode), no trailing dot.",
        FieldType.ASN: "An autonomous system number, 1 to 4294967295; 'AS64500' accepted.",
        FieldType.PORT: "A port number, 0 to 65535.",
        FieldType.COUNTRY_CODE: "An ISO 3166-1 alpha-2 code, upper case.",
        FieldType.REGISTRY: "A regional internet registry: AFRINIC, APNIC, ARIN, LACNIC, RIPE.",
        FieldType.TLP: "A Traffic Light Protocol level: CLEAR, WHITE, GREEN, AMBER, "
        "AMBER+STRICT, RED ('TLP:' prefix accepted).",
        FieldType.CLASSIFICATION_TAXONOMY: "An RSIT taxonomy (see the taxonomy table).",
        FieldType.CLASSIFICATION_TYPE: "An RSIT type (see the taxonomy table); legacy names "
        "are mapped.",
        FieldType.HASH_MD5: "An MD5 digest: 32 hex digits, lower case.",
        FieldType.HASH_SHA1: "A SHA-1 digest: 40 hex digits, lower case.",
        FieldType.HASH_SHA256: "A SHA-256 digest: 64 hex digits, lower case.",
        FieldType.BOOLEAN: "true or false; 'yes'/'no' and 1/0 accepted.",
        FieldType.BASE64: "Base64 text; bytes given are encoded.",
        FieldType.JSON: "Any JSON value.",
        FieldType.JSON_DICT: "A JSON object; stored as one extra.<key> field per member.",
    }
)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One event field: its dotted name, value type, one-line description and an example.

    The example is written as a feed would send it and passes validation.
    """

    name: str
    type: FieldType
    description: str
    example: str

    @property
    def section(self) -> str:
        """Return the first part of the name (``source`` for ``source.ip``)."""
        return self.name.split(".", 1)[0]


def _host_fields(side: str, role: str) -> Iterator[FieldSpec]:
    """Yield the fields that describe one host (``source`` or ``destination``)."""
    t = FieldType
    rows: tuple[tuple[str, FieldType, str, str], ...] = (
        ("ip", t.IP, f"IP address of the {role}.", "203.0.113.7"),
        ("port", t.PORT, f"Port of the {role}.", "443"),
        ("asn", t.ASN, "Autonomous system announcing the IP.", "45899"),
        ("as_name", t.STRING, "Name of that autonomous system.", "VNPT-AS-VN"),
        ("network", t.IP_NETWORK, "BGP prefix containing the IP.", "203.0.113.0/24"),
        ("allocated", t.DATETIME, "When the registry allocated the prefix.", "2008-03-11"),
        ("registry", t.REGISTRY, "Regional internet registry of the IP.", "APNIC"),
        ("fqdn", t.FQDN, f"Domain name of the {role}.", "update.example.vn"),
        ("reverse_dns", t.FQDN, "Reverse DNS (PTR) name of the IP.", "static.vnpt.vn"),
        ("url", t.URL, f"URL of the {role}.", "http://update.example.vn/bin/x.exe"),
        ("urlpath", t.STRING, "Path part of the URL, when the feed gives it alone.", "/bin/x.exe"),
        ("domain_suffix", t.FQDN, "Public suffix of the domain name.", "com.vn"),
        ("local_ip", t.IP, "Internal IP behind NAT, as the feed saw it.", "192.168.1.10"),
        ("local_hostname", t.STRING, "Internal host name behind NAT.", "desktop-01"),
        ("account", t.STRING, "Account name involved (e-mail or user).", "admin"),
        ("abuse_contact", t.LOWER_STRING, "Abuse e-mail addresses, comma-separated.",
         "abuse@vnpt.vn"),
        ("tor_node", t.BOOLEAN, "Whether the IP is a Tor node.", "false"),
        ("geolocation.cc", t.COUNTRY_CODE, "Country of the IP.", "VN"),
        ("geolocation.country", t.STRING, "Country name of the IP.", "Viet Nam"),
        ("geolocation.region", t.STRING, "Region of the IP.", "Ha Noi"),
        ("geolocation.state", t.STRING, "State or province of the IP.", "Ha Noi"),
        ("geolocation.city", t.STRING, "City of the IP.", "Hanoi"),
        ("geolocation.latitude", t.FLOAT, "Latitude of the IP, in degrees.", "21.0245"),
        ("geolocation.longitude", t.FLOAT, "Longitude of the IP, in degrees.", "105.8412"),
        ("geolocation.cymru_cc", t.COUNTRY_CODE, "Country of the IP per Team Cymru.", "VN"),
        ("geolocation.geoip_cc", t.COUNTRY_CODE, "Country of the IP per MaxMind GeoIP.", "VN"),
    )  # fmt: skip
    for name, kind, description, example in rows:
        yield FieldSpec(f"{side}.{name}", kind, description, example)


def _fields_before_hosts() -> Iterator[FieldSpec]:
    """Yield the classification, feed and time fields."""
    t = FieldType
    rows: tuple[tuple[str, FieldType, str, str], ...] = (
        ("classification.taxonomy", t.CLASSIFICATION_TAXONOMY,
         "RSIT taxonomy; filled from the type when absent.", "malicious-code"),
        ("classification.type", t.CLASSIFICATION_TYPE,
         "RSIT type: what kind of incident the event reports.", "infected-system"),
        ("classification.identifier", t.LOWER_STRING,
         "Feed's name for the malware family or exposed service.", "mirai"),
        ("feed.name", t.STRING, "Name of the feed, as registered in CleanNet.",
         "shadowserver-sinkhole-http-drone"),
        ("feed.provider", t.STRING, "Organisation that publishes the feed.", "Shadowserver"),
        ("feed.accuracy", t.ACCURACY, "How far the feed is trusted, in percent.", "100"),
        ("feed.code", t.STRING, "Short code naming the feed without naming its provider.",
         "ss-drone"),
        ("feed.documentation", t.STRING, "Where the feed is documented.",
         "https://www.shadowserver.org/what-we-do/network-reporting/"),
        ("feed.url", t.URL, "URL the feed was fetched from.",
         "https://feodotracker.abuse.ch/downloads/ipblocklist.csv"),
        ("time.source", t.DATETIME, "When it happened, according to the feed.",
         "2021-03-04 00:00:00"),
        ("time.observation", t.DATETIME, "When CleanNet collected it.",
         "2026-07-04T21:46:30Z"),
    )  # fmt: skip
    for name, kind, description, example in rows:
        yield FieldSpec(name, kind, description, example)


def _fields_after_hosts() -> Iterator[FieldSpec]:
    """Yield the malware, protocol, product and the remaining top-level fields."""
    t = FieldType
    md5, sha1 = "44d88612fea8a8f36de82e1278abb02f", "3395856ce81f2b7382dee72602f798b642f14140"
    sha256 = "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f"
    rows: tuple[tuple[str, FieldType, str, str], ...] = (
        ("malware.name", t.LOWER_STRING, "Malware family, lower case.", "mirai"),
        ("malware.version", t.STRING, "Malware version.", "2.1"),
        ("malware.hash.md5", t.HASH_MD5, "MD5 of the malware sample.", md5),
        ("malware.hash.sha1", t.HASH_SHA1, "SHA-1 of the malware sample.", sha1),
        ("malware.hash.sha256", t.HASH_SHA256, "SHA-256 of the malware sample.", sha256),
        ("protocol.application", t.LOWER_STRING, "Application protocol.", "http"),
        ("protocol.transport", t.LOWER_STRING, "Transport protocol.", "tcp"),
        ("product.vendor", t.STRING, "Vendor of the affected product.", "Microsoft"),
        ("product.name", t.STRING, "Name of the affected product.", "Exchange Server"),
        ("product.version", t.STRING, "Version of the affected product.", "15.1.2375.7"),
        ("product.full_name", t.STRING, "Full name of the affected product.",
         "Microsoft Exchange Server 2016 CU22"),
        ("product.vulnerabilities", t.LOWER_STRING,
         "Vulnerability identifiers of the product, semicolon-separated.",
         "cve-2021-26855;cve-2021-27065"),
        ("severity", t.LOWER_STRING, "Severity as the feed or an analyst rates it.", "high"),
        ("status", t.LOWER_STRING, "Whether the reported resource is online or offline.",
         "online"),
        ("tlp", t.TLP, "Traffic Light Protocol level for sharing the event.", "AMBER"),
        ("event_description.text", t.STRING, "What happened, in a sentence.",
         "The host connected to a Mirai sinkhole."),
        ("event_description.url", t.URL, "Where the feed describes this kind of event.",
         "https://www.shadowserver.org/what-we-do/network-reporting/sinkhole-http-events-report/"),
        ("event_description.target", t.STRING, "Brand or organisation targeted.", "Vietcombank"),
        ("comment", t.STRING, "Free-text remark.", "Seen again after cleanup."),
        ("constituency", t.STRING, "Internal routing tag: whose event this is.", "isp-vnpt"),
        ("event_hash", t.STRING, "Identity of the event for dedup (Event.event_hash()).", sha256),
        ("misp.event_uuid", t.LOWER_STRING, "UUID of the MISP event it came from.",
         "5f4a6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b"),
        ("misp.attribute_uuid", t.LOWER_STRING, "UUID of the MISP attribute it came from.",
         "5f4a6c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5c"),
        ("rtir_id", t.INTEGER, "Ticket number in RTIR.", "4711"),
        ("screenshot_url", t.URL, "URL of a screenshot of the reported site.",
         "https://screenshots.example.org/4711.png"),
        ("output", t.JSON, "The event in a foreign format, for an output that needs it.",
         "rsit:malicious-code=\"infected-system\""),
        ("raw", t.BASE64, "The original line or record, base64-encoded.",
         "MTk4LjUxLjEwMC43LDQ0MyxtaXJhaQ=="),
        ("extra", t.JSON_DICT, "Anything else the feed says, as extra.<key> fields.",
         '{"infection": "mirai", "naics": 517311}'),
    )  # fmt: skip
    for name, kind, description, example in rows:
        yield FieldSpec(name, kind, description, example)


def _catalogue() -> Mapping[str, FieldSpec]:
    """Return every field spec keyed by name, in documentation order."""
    specs = [
        *_fields_before_hosts(),
        *_host_fields("source", "reported host"),
        *_host_fields("destination", "counterpart host"),
        *_fields_after_hosts(),
    ]
    catalogue = {spec.name: spec for spec in specs}
    assert len(catalogue) == len(specs), "an event field is listed twice"
    return MappingProxyType(catalogue)


FIELDS: Mapping[str, FieldSpec] = _catalogue()
"""Every event field by name (``extra.*`` aside), in documentation order."""
