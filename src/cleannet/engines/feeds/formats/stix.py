"""STIX 2.1 (and 2.0) bundles: indicators and observed data become events.

Accepted input: a ``bundle``, a TAXII 2.1 envelope (``{"objects": [...], "more": …}``, with
``objects`` left out when empty), a bare list of objects, or one object on its own.

**Records.** Each ``indicator`` and each ``observed-data`` object is one record, numbered by
its 1-based position in the object list. Every other object (``malware``, ``relationship``,
``marking-definition``, ``identity``, SCOs at top level, ``sighting`` …) is context or
ignored: it is not a record and is neither accepted nor rejected. A record yields one row per
observable it names, all with its row number: an indicator whose pattern is an ``OR`` of
three comparisons yields three rows (some may be accepted and others rejected). A record
that names no usable observable yields one ``Rejected``. So every record number appears at
least once, and ``accepted + rejected`` counts rows, not records.

**Observables:**

==========================================  ===============================================
comparison (or SCO property)                event field
==========================================  ===============================================
``ipv4-addr:value``, ``ipv6-addr:value``    ``source.ip`` (a /32 or /128 too); a wider
                                            CIDR → ``source.network``
``ipv4-addr:value ISSUBSET '…/24'``         ``source.network``
``domain-name:value``                       ``source.fqdn``
``url:value``                               ``source.url`` (+ its host)
``email-addr:value``                        ``source.account`` (checked e-mail address)
``file:hashes.'SHA-256'`` (MD5, SHA-1)      ``malware.hash.sha256`` (``md5``, ``sha1``);
                                            2.0's ``SHA256``, ``SHA1`` too
``file:name`` (beside a hash)               ``extra.file_name``
``network-traffic:dst_ref.value``           ``source.ip`` / ``source.network`` /
                                            ``source.fqdn`` (``dst_ref.type`` may be
                                            given): the far end is the reported host
``network-traffic:dst_port`` (beside it)    ``source.port``
==========================================  ===============================================

``feed.*`` and default ``tlp`` come from ``ParseOptions`` (``common.feed_defaults``); with no
``feed_name`` every row is rejected naming ``feed.name``.

**Indicator fields.** ``time.source`` = ``valid_from`` (else ``created``); ``malware.name`` =
the ``name`` of the first ``malware`` the indicator ``indicates`` (a ``relationship``);
``tlp`` from ``object_marking_refs`` (the TLP 1.0 and 2.0 marking-definition ids, or a TLP
marking defined in the bundle; the most restrictive wins); ``event_description.text`` = its
``name``; ``extra.stix_id``, ``extra.stix_indicator_types``, ``extra.stix_confidence``,
``extra.stix_valid_until``. ``classification.type``, first rule that applies:

1. it ``indicates`` an ``infrastructure`` typed ``command-and-control`` → ``c2-server``,
   ``hosting-malware`` → ``malware-distribution``, ``phishing`` → ``phishing``,
   ``botnet`` → ``infected-system``, ``anonymization`` → ``proxy``;
2. ``indicator_types`` (2.0: ``labels``) holds ``anonymization`` → ``proxy``,
   ``compromised`` → ``system-compromise``;
3. ``malicious-activity`` and it ``indicates`` a ``malware``: an address or domain →
   ``c2-server``, a URL → ``malware-distribution``;
4. a file hash → ``malware`` (a sample, no host named);
5. otherwise the feed's default (``ParseOptions.classification_type``), else ``undetermined``.

Rejected indicators: ``benign`` in ``indicator_types`` (an allow-list entry), ``revoked``,
a ``pattern_type`` other than ``stix`` (a missing one is taken as STIX 2.0), no ``pattern``,
or a pattern outside the subset of :mod:`stix_patterns` (the reason says why; it is never
evaluated).

**Observed data.** The SCOs of ``objects`` (2.0, embedded) or ``object_refs`` (2.1, looked up
in the bundle) each give one row by the table above; ``time.source`` = ``first_observed``,
``extra.number_observed``, ``extra.stix_last_observed``, ``extra.stix_id``, ``tlp`` as above,
classification from the feed's default (an observation says nothing about intent). An
address a ``network-traffic`` SCO names gets ``extra.stix_traffic_role`` ``source`` or
``destination``; the traffic object itself gives no row.
``sighting`` objects are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from cleannet.core.errors import InvalidEvent
from cleannet.engines.feeds.formats.json_common import (
    JSONObject,
    RowDefaults,
    as_object,
    build_row,
    list_at,
    load_json,
    most_restrictive_tlp,
    object_at,
    raw_json,
    rejection,
    row_defaults,
    text_at,
)
from cleannet.engines.feeds.formats.stix_patterns import (
    Observable,
    ObservableKind,
    UnsupportedPattern,
    observable_fields,
    observables,
    sco_observable,
)
from cleannet.engines.feeds.records import (
    FeedFormatError,
    ParseOptions,
    Rejected,
    Row,
    Source,
)

__all__ = ["TLP_MARKING_IDS", "parse_stix"]

TLP_MARKING_IDS: Mapping[str, str] = {
    # TLP 1.0, defined in STIX 2.1 §7.2.1.4.
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "WHITE",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "GREEN",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "AMBER",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "RED",
    # TLP 2.0, from OASIS cti-stix-common-objects (extension tlp-2.0).
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": "CLEAR",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": "GREEN",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": "AMBER",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": "AMBER+STRICT",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": "RED",
}
"""The standard TLP marking-definition ids and the level each stands for."""

_INFRASTRUCTURE_TYPES = {
    "command-and-control": "c2-server",
    "hosting-malware": "malware-distribution",
    "phishing": "phishing",
    "botnet": "infected-system",
    "anonymization": "proxy",
}
_INDICATOR_TYPES = {"anonymization": "proxy", "compromised": "system-compromise"}
_MALWARE_TYPE_BY_KIND = {
    ObservableKind.HOST: "c2-server",
    ObservableKind.URL: "malware-distribution",
}


@dataclass
class _Bundle:
    """What records need from the rest of the bundle: objects by id and ``indicates`` links."""

    by_id: dict[str, JSONObject] = field(default_factory=dict)
    indicates: dict[str, list[JSONObject]] = field(default_factory=dict)

    @classmethod
    def index(cls, objects: list[object]) -> _Bundle:
        bundle = cls()
        for item in objects:
            stix_object = as_object(item)
            if stix_object is not None and text_at(stix_object, "id"):
                bundle.by_id[text_at(stix_object, "id")] = stix_object
        for stix_object in bundle.by_id.values():
            is_link = text_at(stix_object, "type") == "relationship"
            if is_link and text_at(stix_object, "relationship_type") == "indicates":
                target = bundle.by_id.get(text_at(stix_object, "target_ref"))
                if target is not None:
                    source_id = text_at(stix_object, "source_ref")
                    bundle.indicates.setdefault(source_id, []).append(target)
        return bundle

    def targets(self, stix_object: JSONObject, kind: str) -> list[JSONObject]:
        """Return the objects of type ``kind`` that ``stix_object`` indicates, in bundle order."""
        linked = self.indicates.get(text_at(stix_object, "id"), [])
        return [target for target in linked if text_at(target, "type") == kind]

    def marking_level(self, marking_id: str) -> str:
        """Return the TLP level a marking id stands for, or ``""`` if it is not TLP."""
        if marking_id in TLP_MARKING_IDS:
            return TLP_MARKING_IDS[marking_id]
        marking = self.by_id.get(marking_id, {})
        if text_at(marking, "definition_type").lower() == "tlp":
            return text_at(object_at(marking, "definition"), "tlp")
        # TLP 2.0 markings carry the level in their name; some tools put it in definition_type.
        names = (text_at(marking, "name"), text_at(marking, "definition_type"))
        return next((name for name in names if name.upper().startswith("TLP:")), "")

    def tlp(self, stix_object: JSONObject) -> str | None:
        """Return the most restrictive TLP level among the object's markings, if any."""
        levels = [
            self.marking_level(str(ref)) for ref in list_at(stix_object, "object_marking_refs")
        ]
        return most_restrictive_tlp(level for level in levels if level)


def _bundle_objects(document: object, name: str) -> list[object]:
    """Return the object list of a bundle, TAXII envelope, bare list or single object.

    Raises ``FeedFormatError`` if the document is none of these.
    """
    if isinstance(document, list):
        return document
    if not isinstance(document, dict):
        raise FeedFormatError(name, "is not a STIX bundle (expected a JSON object or list)")
    objects = document.get("objects")
    if isinstance(objects, list):
        return objects
    if objects is not None:
        raise FeedFormatError(name, "has 'objects' that is not a list")
    if document.get("type") == "bundle" or "more" in document or "next" in document:
        return []  # an empty bundle or TAXII page leaves 'objects' out
    if isinstance(document.get("type"), str) and isinstance(document.get("id"), str):
        return [document]
    raise FeedFormatError(name, "is neither a STIX bundle, a TAXII envelope nor a STIX object")


def parse_stix(source: Source, options: ParseOptions) -> Iterator[Row]:
    """Yield the rows of a STIX document: per indicator/observed-data, one per observable.

    See the module docstring for what a record is and how fields are mapped. Never raises
    for a bad record. Raises ``FeedFormatError`` naming the source if it is not JSON, is
    not a bundle, TAXII envelope, list of objects or STIX object, or if an option is not
    valid for its field.
    """
    defaults = row_defaults(source.name, options)
    objects = _bundle_objects(load_json(source), source.name)
    bundle = _Bundle.index(objects)
    for row, item in enumerate(objects, start=1):
        stix_object = as_object(item)
        if stix_object is None:
            reason = "is not a JSON object, so not a STIX object"
            yield Rejected(row=row, reason=reason, raw=raw_json(item), field=None)
            continue
        kind = text_at(stix_object, "type")
        if kind == "indicator":
            yield from _indicator_rows(row, stix_object, bundle, defaults)
        elif kind == "observed-data":
            yield from _observed_rows(row, stix_object, bundle, defaults)


def _indicator_problem(indicator: JSONObject) -> tuple[str, str] | None:
    """Return (field, reason) if the indicator as a whole cannot be used, else ``None``."""
    types = {str(name).lower() for name in _indicator_types(indicator)}
    if "benign" in types:
        return "indicator_types", "says benign: an allow-list entry, not an incident"
    if indicator.get("revoked") is True:
        return "revoked", "the indicator is revoked by its producer"
    pattern_type = text_at(indicator, "pattern_type") or "stix"
    if pattern_type.lower() != "stix":
        return "pattern_type", f"pattern_type {pattern_type!r} is not read (only stix)"
    if not text_at(indicator, "pattern"):
        return "pattern", "the indicator has no pattern (or it is not text)"
    return None


def _indicator_types(indicator: JSONObject) -> list[object]:
    return list_at(indicator, "indicator_types") or list_at(indicator, "labels")


def _indicator_context(indicator: JSONObject, bundle: _Bundle) -> dict[str, object]:
    """Return the fields every observable of the indicator shares."""
    malware = [text_at(item, "name") for item in bundle.targets(indicator, "malware")]
    return {
        "time.source": indicator.get("valid_from") or indicator.get("created"),
        "malware.name": next((name for name in malware if name), None),
        "tlp": bundle.tlp(indicator),
        "event_description.text": text_at(indicator, "name"),
        "extra.stix_id": indicator.get("id"),
        "extra.stix_indicator_types": _indicator_types(indicator) or None,
        "extra.stix_confidence": indicator.get("confidence"),
        "extra.stix_valid_until": indicator.get("valid_until"),
    }


def _indicator_classification(
    indicator: JSONObject, bundle: _Bundle, kind: ObservableKind
) -> str | None:
    """Return the classification type the rules of the module docstring give, if any."""
    for infrastructure in bundle.targets(indicator, "infrastructure"):
        for name in list_at(infrastructure, "infrastructure_types"):
            if str(name).lower() in _INFRASTRUCTURE_TYPES:
                return _INFRASTRUCTURE_TYPES[str(name).lower()]
    types = {str(name).lower() for name in _indicator_types(indicator)}
    for name, classification in _INDICATOR_TYPES.items():
        if name in types:
            return classification
    indicates_malware = bool(bundle.targets(indicator, "malware"))
    if "malicious-activity" in types and indicates_malware and kind in _MALWARE_TYPE_BY_KIND:
        return _MALWARE_TYPE_BY_KIND[kind]
    return "malware" if kind is ObservableKind.HASH else None


def _indicator_rows(
    row: int, indicator: JSONObject, bundle: _Bundle, defaults: RowDefaults
) -> Iterator[Row]:
    """Yield one row per alternative of the indicator's pattern, or one ``Rejected``."""
    raw = raw_json(indicator)
    problem = _indicator_problem(indicator)
    if problem is not None:
        yield Rejected(row=row, reason=problem[1], raw=raw, field=problem[0])
        return
    try:
        alternatives = observables(text_at(indicator, "pattern"))
    except UnsupportedPattern as error:
        yield Rejected(row=row, reason=f"the pattern {error.reason}", raw=raw, field="pattern")
        return
    context = _indicator_context(indicator, bundle)
    for alternative in alternatives:
        try:
            fields, kind = observable_fields(alternative)
        except UnsupportedPattern as error:
            yield Rejected(row=row, reason=f"the pattern {error.reason}", raw=raw, field="pattern")
            continue
        except InvalidEvent as error:
            yield rejection(row, error, raw)
            continue
        classification = _indicator_classification(indicator, bundle, kind)
        candidate = {**context, **fields, "classification.type": classification}
        yield build_row(row, candidate, defaults, raw)


def _observed_objects(observed: JSONObject, bundle: _Bundle) -> dict[str, JSONObject]:
    """Return the SCOs of observed data by key: embedded (2.0) or referenced (2.1, by id)."""
    embedded = object_at(observed, "objects").items()
    referenced = (
        (str(ref), bundle.by_id.get(str(ref))) for ref in list_at(observed, "object_refs")
    )
    pairs = ((key, as_object(sco)) for key, sco in (*embedded, *referenced))
    return {key: sco for key, sco in pairs if sco is not None}


def _traffic_roles(scos: dict[str, JSONObject]) -> dict[str, str]:
    """Return ``source``/``destination`` for each key a ``network-traffic`` SCO refers to.

    Observed traffic names both ends; the role lets a reader tell a victim from a server.
    """
    roles: dict[str, str] = {}
    for sco in scos.values():
        if text_at(sco, "type") == "network-traffic":
            roles.setdefault(text_at(sco, "src_ref"), "source")
            roles.setdefault(text_at(sco, "dst_ref"), "destination")
    return roles


def _observed_rows(
    row: int, observed: JSONObject, bundle: _Bundle, defaults: RowDefaults
) -> Iterator[Row]:
    """Yield one row per readable SCO of the observed data, or one ``Rejected`` if none."""
    scos = _observed_objects(observed, bundle)
    # 2.1 observed data holds only references: keep the objects it names as evidence too.
    raw = raw_json([observed, *scos.values()] if "object_refs" in observed else observed)
    context = {
        "time.source": observed.get("first_observed"),
        "tlp": bundle.tlp(observed),
        "extra.stix_id": observed.get("id"),
        "extra.number_observed": observed.get("number_observed"),
        "extra.stix_last_observed": observed.get("last_observed"),
    }
    roles = _traffic_roles(scos)
    found = [(key, sco_observable(sco)) for key, sco in scos.items()]
    readable = [(key, observable) for key, observable in found if observable is not None]
    if not readable:
        reason = "the observed data holds no address, domain, URL, e-mail or file hash"
        yield Rejected(row=row, reason=reason, raw=raw, field="objects")
    for key, observable in readable:
        role = {"extra.stix_traffic_role": roles.get(key)}
        yield _observable_row(row, observable, {**context, **role}, defaults, raw)


def _observable_row(
    row: int, observable: Observable, context: dict[str, object], defaults: RowDefaults, raw: str
) -> Row:
    """Return the row of one SCO of observed data (its fields over the record's context)."""
    try:
        fields, _ = observable_fields(observable)
    except (UnsupportedPattern, InvalidEvent) as error:
        field = error.field if isinstance(error, InvalidEvent) else "objects"
        return Rejected(row=row, reason=str(error), raw=raw, field=field)
    return build_row(row, {**context, **fields}, defaults, raw)
