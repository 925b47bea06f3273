"""MISP events (core format JSON) and MISP feed directories.

Accepted input: ``{"Event": {…}}``, a bare event object, a list of either, or a REST search
answer ``{"response": [{"Event": …}, …]}`` (an attribute search's ``{"response":
{"Attribute": [...]}}`` is read as one event holding those attributes).

**Records.** Each attribute is one record, numbered from 1 across the whole source: an
event's ``Attribute`` list first, then the attributes of each of its ``Object`` s, event
after event. Each record yields exactly one row, so ``accepted + rejected`` equals the
number of attributes (plus one ``Rejected`` for each list item that is not an event).

**Attribute types** (composite values split at the last ``|``):

===========================================  ===========================================
``ip-src``, ``ip-dst``                       ``source.ip`` (a wider CIDR → ``source.network``)
``ip-src|port``, ``ip-dst|port``             ``source.ip`` + ``source.port``
``domain``, ``hostname``                     ``source.fqdn``
``domain|ip``                                ``source.fqdn`` + ``source.ip``
``hostname|port``                            ``source.fqdn`` + ``source.port``
``url``                                      ``source.url`` (+ its host)
``uri``                                      ``source.url`` if absolute, else ``source.urlpath``
``md5``, ``sha1``, ``sha256``                ``malware.hash.md5|sha1|sha256``
``filename|md5|sha1|sha256``                 ``extra.file_name`` + the hash
``malware-sample``                           ``extra.file_name`` + ``malware.hash.md5``
``email-src``, ``email``, ``email-dst``      ``source.account`` (checked e-mail address)
``AS``                                       ``source.asn``
===========================================  ===========================================

Every other type (``text``, ``comment``, ``link``, ``attachment``, ``mutex`` …) is
``Rejected`` naming ``type``: it carries no observable CleanNet reads. So are attributes
marked ``deleted``. ``ip-src`` and ``ip-dst`` both name the reported host, as IntelMQ's
MISP parser does; ``extra.misp_type`` keeps which it was.

**Other fields.** ``time.source``: the attribute's ``first_seen``, else its ``timestamp``
(Unix seconds, sent as text), else the event's ``date``, else its ``timestamp``.
``classification.type``, first that applies: an ``rsit:`` (or older ``ecsirt:``) machine tag
on the attribute, then on the event; a hash type → ``malware``; category ``Payload
delivery`` with a destination-side type (``ip-dst*``, ``domain``, ``hostname*``,
``domain|ip``, ``url``, ``uri``) → ``malware-distribution``; ``Network activity`` with one →
``c2-server``; else the feed's default, else ``undetermined``. ``malware.name``: a
``misp-galaxy:`` family tag (malpedia, mitre-malware without its `` - S0367`` id,
ransomware, botnet, rat, banker, stealer, backdoor, android) on the attribute, then on the
event (galaxy clusters count as tags). ``tlp``: the most restrictive ``tlp:`` tag on the
attribute, else on the event. ``misp.event_uuid``, ``misp.attribute_uuid``;
``event_description.text`` = the event's ``info``; ``comment``; ``severity`` from
``threat_level_id`` (1 high, 2 medium, 3 low); ``extra.to_ids`` (false still accepted),
``extra.misp_type``, ``extra.misp_category``, ``extra.misp_org``, ``extra.misp_object``
and ``extra.misp_object_relation`` for object attributes.

**Feed directories** (:func:`misp_feed_sources`): ``manifest.json`` lists the events; each
is read from ``<uuid>.json`` beside it; ``hashes.csv`` and unlisted files are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from cleannet.core.errors import InvalidEvent, InvalidTaxonomy
from cleannet.core.taxonomy import classify
from cleannet.engines.feeds.formats.json_common import (
    JSONObject,
    RowDefaults,
    address_fields,
    as_object,
    build_row,
    email_fields,
    list_at,
    load_json,
    most_restrictive_tlp,
    object_at,
    raw_json,
    rejection,
    row_defaults,
    text_at,
)
from cleannet.engines.feeds.records import FeedFormatError, ParseOptions, Rejected, Row, Source
from cleannet.engines.feeds.sources import Limits, open_sources

__all__ = ["misp_feed_sources", "parse_misp_event"]

_PARTS: dict[str, tuple[str, ...]] = {
    "ip-src": ("ip",),
    "ip-dst": ("ip",),
    "ip-src|port": ("ip", "source.port"),
    "ip-dst|port": ("ip", "source.port"),
    "domain": ("source.fqdn",),
    "hostname": ("source.fqdn",),
    "domain|ip": ("source.fqdn", "ip"),
    "hostname|port": ("source.fqdn", "source.port"),
    "url": ("source.url",),
    "uri": ("uri",),
    "md5": ("malware.hash.md5",),
    "sha1": ("malware.hash.sha1",),
    "sha256": ("malware.hash.sha256",),
    "filename|md5": ("extra.file_name", "malware.hash.md5"),
    "filename|sha1": ("extra.file_name", "malware.hash.sha1"),
    "filename|sha256": ("extra.file_name", "malware.hash.sha256"),
    "malware-sample": ("extra.file_name", "malware.hash.md5"),
    "email-src": ("email",),
    "email": ("email",),
    "email-dst": ("email",),
    "AS": ("source.asn",),
}
_HASH_TYPES = frozenset(name for name, parts in _PARTS.items() if parts[-1].startswith("malware."))
_DESTINATION_TYPES = frozenset(
    {"ip-dst", "ip-dst|port", "domain", "hostname", "domain|ip", "hostname|port", "url", "uri"}
)
_CATEGORY_TYPES = {"payload delivery": "malware-distribution", "network activity": "c2-server"}
# Galaxies whose clusters are malware families (MISP/misp-galaxy); threat actors, tools and
# techniques are not.
_FAMILY_GALAXIES = frozenset(
    {"malpedia", "mitre-malware", "ransomware", "botnet", "rat", "banker", "stealer", "backdoor",
     "android"}
)  # fmt: skip
_SEVERITY = {"1": "high", "2": "medium", "3": "low"}
_MACHINE_TAG = re.compile(r'(?P<namespace>[^:="]+):(?P<predicate>[^="]+)(?:="(?P<value>[^"]*)")?')
_MITRE_ID = re.compile(r"\s+-\s+S\d{4}$")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


class _NoObservable(Exception):
    """An attribute that names nothing CleanNet reads; ``field`` and the message say why."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        super().__init__(reason)


@dataclass(frozen=True)
class _EventContext:
    """What every attribute of one event shares: fields, tags and fallback times."""

    fields: dict[str, object]
    tags: list[str]
    times: tuple[object, ...]


def _event_of(item: object) -> JSONObject | None:
    """Return the event inside ``{"Event": …}`` or a bare event, else ``None``."""
    document = as_object(item)
    if document is None:
        return None
    wrapped = as_object(document.get("Event"))
    if wrapped is not None:
        return wrapped
    is_event = any(key in document for key in ("Attribute", "Object", "info", "uuid"))
    return document if is_event else None


def _event_items(document: object, name: str) -> list[object]:
    """Return the list of (wrapped or bare) events the document holds.

    Raises ``FeedFormatError`` if it is neither an event, a list, nor a search answer.
    """
    if isinstance(document, list):
        return document
    response = document.get("response") if isinstance(document, dict) else None
    if isinstance(response, list):
        return response
    if isinstance(response, dict) or _event_of(document) is not None:
        return [response if isinstance(response, dict) else document]
    raise FeedFormatError(name, "is not a MISP event (no Event, response or Attribute)")


def _tag_names(holder: JSONObject) -> list[str]:
    """Return the names of the holder's tags, galaxy cluster tags included."""
    names = [
        text_at(tag, "name") if isinstance(tag, dict) else tag for tag in list_at(holder, "Tag")
    ]
    for galaxy in list_at(holder, "Galaxy"):
        for cluster in list_at(as_object(galaxy) or {}, "GalaxyCluster"):
            names.append(text_at(as_object(cluster) or {}, "tag_name"))
    return [name.strip() for name in names if isinstance(name, str) and name.strip()]


def _machine_tags(tags: list[str]) -> Iterator[tuple[str, str, str]]:
    """Yield (namespace, predicate, value) of each machine tag, namespace lower-cased."""
    for tag in tags:
        match = _MACHINE_TAG.fullmatch(tag)
        if match is not None:
            yield match["namespace"].lower(), match["predicate"], match["value"] or ""


def _classification_from_tags(tags: list[str]) -> str | None:
    """Return the type of the first known ``rsit:``/``ecsirt:`` tag; unknown ones are skipped."""
    for namespace, _, value in _machine_tags(tags):
        if namespace in {"rsit", "ecsirt"} and value:
            try:
                return classify(value).type
            except InvalidTaxonomy:
                continue
    return None


def _malware_from_tags(tags: list[str]) -> str | None:
    """Return the family named by the first malware galaxy tag, MITRE's id removed."""
    for namespace, predicate, value in _machine_tags(tags):
        if namespace == "misp-galaxy" and predicate in _FAMILY_GALAXIES and value.strip():
            return _MITRE_ID.sub("", value.strip())
    return None


def _tlp_from_tags(tags: list[str]) -> str | None:
    return most_restrictive_tlp(tag for tag in tags if tag.lower().startswith("tlp:"))


def _epoch(value: object) -> object:
    """Return MISP's Unix seconds sent as text as a number, anything else unchanged."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _event_context(event: JSONObject) -> _EventContext:
    """Return the fields, tags and fallback times the event gives its attributes."""
    fields: dict[str, object] = {
        "misp.event_uuid": event.get("uuid"),
        # Descriptive text of the wrong JSON type is dropped rather than rejecting the row.
        "event_description.text": text_at(event, "info"),
        "severity": _SEVERITY.get(str(event.get("threat_level_id", ""))),
        "extra.misp_org": text_at(object_at(event, "Orgc"), "name") or None,
    }
    times = (event.get("date"), _epoch(event.get("timestamp")))
    return _EventContext(fields, _tag_names(event), times)


def _split(kind: str, value: object, size: int) -> list[object]:
    """Return the parts of a composite value. Raises ``_NoObservable`` naming ``value``."""
    if size == 1:
        return [value]
    if not isinstance(value, str):
        raise _NoObservable("value", f"a {kind} value must be text 'a|b', got {value!r}")
    if "|" not in value and kind.endswith("|port") and value.count(":") == 1:
        host, _, port = value.partition(":")  # 'ip:port' is a common slip for 'ip|port'
        return [host, port]
    head, bar, tail = value.rpartition("|")
    if not bar:
        raise _NoObservable("value", f"a {kind} value must be 'a|b', got {value!r}")
    return [head, tail]


def _part_fields(part: str, value: object) -> dict[str, object]:
    if part == "ip":
        return address_fields(value)
    if part == "email":
        return email_fields(value)
    if part == "uri":
        is_absolute = isinstance(value, str) and "://" in value
        return {"source.url" if is_absolute else "source.urlpath": value}
    return {part: value}


def _observable_fields(kind: str, value: object) -> dict[str, object]:
    """Return the fields the attribute's type and value name (see the module's table).

    Raises ``_NoObservable`` for a type with no observable or a malformed composite value,
    ``InvalidEvent`` for an e-mail address that is not one.
    """
    parts = _PARTS.get(kind)
    if parts is None:
        raise _NoObservable("type", f"attribute type {kind!r} carries no observable")
    fields: dict[str, object] = {}
    for part, piece in zip(parts, _split(kind, value, len(parts)), strict=True):
        fields.update(_part_fields(part, piece))
    return fields


def _classification(kind: str, category: str, tags: list[str], event: _EventContext) -> object:
    """Return the type the rules of the module docstring give, or ``None`` (feed default)."""
    tagged = _classification_from_tags(tags) or _classification_from_tags(event.tags)
    if tagged is not None:
        return tagged
    if kind in _HASH_TYPES:
        return "malware"
    return _CATEGORY_TYPES.get(category.lower()) if kind in _DESTINATION_TYPES else None


def _time(attribute: JSONObject, event: _EventContext) -> object:
    candidates = (attribute.get("first_seen"), _epoch(attribute.get("timestamp")), *event.times)
    return next((value for value in candidates if value not in (None, "")), None)


def _attribute_fields(
    attribute: JSONObject, holder: JSONObject | None, event: _EventContext
) -> dict[str, object]:
    """Return the candidate fields of one attribute (``holder`` is its MISP object, if any).

    Raises ``_NoObservable`` or ``InvalidEvent`` as ``_observable_fields`` does.
    """
    kind, category = text_at(attribute, "type"), text_at(attribute, "category")
    tags = _tag_names(attribute)
    to_ids = attribute.get("to_ids")
    return {
        **event.fields,
        **_observable_fields(kind, attribute.get("value")),
        "time.source": _time(attribute, event),
        "classification.type": _classification(kind, category, tags, event),
        "malware.name": _malware_from_tags(tags) or _malware_from_tags(event.tags),
        "tlp": _tlp_from_tags(tags) or _tlp_from_tags(event.tags),
        "misp.attribute_uuid": attribute.get("uuid"),
        "comment": text_at(attribute, "comment"),
        "extra.to_ids": to_ids in (True, 1, "1", "true", "True") if to_ids is not None else None,
        "extra.misp_type": kind,
        "extra.misp_category": category,
        "extra.misp_object": text_at(holder, "name") if holder is not None else None,
        "extra.misp_object_relation": (
            text_at(attribute, "object_relation") if holder is not None else None
        ),
    }


def _attribute_row(
    row: int, item: object, holder: JSONObject | None, event: _EventContext, defaults: RowDefaults
) -> Row:
    """Return the one row of one attribute record."""
    raw = raw_json(item)
    attribute = as_object(item)
    if attribute is None:
        return Rejected(row=row, reason="the attribute is not a JSON object", raw=raw)
    if attribute.get("deleted") in (True, 1, "1", "true"):
        return Rejected(row=row, reason="the attribute is marked deleted", raw=raw, field="deleted")
    try:
        candidate = _attribute_fields(attribute, holder, event)
    except _NoObservable as error:
        return Rejected(row=row, reason=str(error), raw=raw, field=error.field)
    except InvalidEvent as error:
        return rejection(row, error, raw)
    return build_row(row, candidate, defaults, raw)


def _attributes(event: JSONObject) -> Iterator[tuple[object, JSONObject | None]]:
    """Yield each attribute with its MISP object: the event's own first, then each object's."""
    for attribute in list_at(event, "Attribute"):
        yield attribute, None
    for item in list_at(event, "Object"):
        holder = as_object(item)
        for attribute in list_at(holder or {}, "Attribute"):
            yield attribute, holder


def parse_misp_event(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield one row per attribute of the MISP event(s) in ``source``, in document order.

    See the module docstring for the accepted shapes and the field mapping. Never raises
    for a bad attribute. Raises ``FeedFormatError`` naming the source if it is not JSON,
    holds no MISP event, or if an option is not valid for its field.
    """
    defaults = row_defaults(source.name, options)
    row = 0
    for position, item in enumerate(_event_items(load_json(source), source.name), start=1):
        event = _event_of(item)
        if event is None:
            row += 1
            reason = f"item {position} is not a MISP event"
            yield Rejected(row=row, reason=reason, raw=raw_json(item))
            continue
        context = _event_context(event)
        for attribute, holder in _attributes(event):
            row += 1
            yield _attribute_row(row, attribute, holder, context, defaults)


def _event_opener(uuid: str, directory: Path, name: str, limits: Limits) -> Callable[[], TextIO]:
    """Return ``open_text`` for one listed event; it raises ``FeedFormatError`` if unusable."""

    def open_text() -> TextIO:
        # The key becomes a file name: only a UUID may, so '../x' cannot leave the directory.
        if not _UUID.fullmatch(uuid):
            raise FeedFormatError(name, "manifest.json lists a key that is not an event UUID")
        path = directory / f"{uuid}.json"
        if not path.is_file():
            raise FeedFormatError(name, "is listed in manifest.json but is not in the directory")
        if not path.resolve().is_relative_to(directory.resolve()):
            raise FeedFormatError(name, "links outside the feed directory")
        return next(open_sources(path, limits)).open_text()

    return open_text


def misp_feed_sources(directory: Path, limits: Limits | None = None) -> Iterator[Source]:
    """Yield one ``Source`` per event that ``directory/manifest.json`` lists, in its order.

    Parse each with :func:`parse_misp_event`; files are decoded and capped as
    ``cleannet.engines.feeds.sources`` does. A listed event that cannot be read (file
    missing, a key that is not a UUID, a link leaving the directory, over the size limit)
    raises ``FeedFormatError`` for that source alone, when it is opened. Raises
    ``FeedFormatError`` naming ``manifest.json`` if it is missing, not JSON, or not an
    object keyed by event UUID.
    """
    limits = limits or Limits()
    manifest_name = f"{directory.name}/manifest.json"
    if not (directory / "manifest.json").is_file():
        raise FeedFormatError(manifest_name, "is missing: not a MISP feed directory")
    manifest = load_json(next(open_sources(directory / "manifest.json", limits)))
    if not isinstance(manifest, dict):
        raise FeedFormatError(manifest_name, "is not an object keyed by event UUID")
    for uuid in manifest:
        name = f"{directory.name}/{uuid}.json"
        yield Source(name, _event_opener(str(uuid), directory, name, limits))
