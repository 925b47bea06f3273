"""The STIX 2.1 objects of our records (see docs/exchange.md for why this mapping).

An event becomes the SCOs of its host (``ipv4-addr``/``ipv6-addr``, ``domain-name``,
``url``), an ``observed-data`` referring to them and, when its malware family is known, a
``sighting`` of that family's ``malware`` at the owner's ``identity``. An indicator becomes
an ``indicator`` with a STIX pattern and, with a family, an ``indicates`` relationship.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cleannet.server.accounts.models import Organisation
from cleannet.server.exchange.stix import (
    EPOCH,
    SPEC_VERSION,
    StixObject,
    indicator_pattern,
    sco_id,
    stix_id,
    stix_time,
    tlp_marking,
)
from cleannet.server.intel.models import Event, Indicator, MalwareFamily

CLEANNET_IDENTITY_ID = stix_id("identity", "cleannet")
MAX_COUNT = 999_999_999  # STIX caps number_observed and sighting count here

# Our family kinds in STIX's malware-type-ov vocabulary.
_MALWARE_TYPES: dict[str, str] = {
    MalwareFamily.Kind.BOTNET: "bot",
    MalwareFamily.Kind.BANKING_TROJAN: "trojan",
    MalwareFamily.Kind.RAT: "remote-access-trojan",
    MalwareFamily.Kind.INFOSTEALER: "spyware",
    MalwareFamily.Kind.LOADER: "downloader",
    MalwareFamily.Kind.RANSOMWARE: "ransomware",
    MalwareFamily.Kind.WORM: "worm",
    MalwareFamily.Kind.C2_FRAMEWORK: "remote-access-trojan",
    MalwareFamily.Kind.MINER: "resource-exploitation",
}
# Organisation kinds in STIX's industry-sector-ov vocabulary.
_SECTORS = {
    "isp": "telecommunications",
    "bank": "financial-services",
    "government": "government",
    "ecommerce": "retail",
    "social_network": "technology",
}


def _common(
    object_type: str, object_id: str, created: dt.datetime, tlp: str | None = None
) -> StixObject:
    """Return the properties every SDO and SRO of ours carries."""
    common: StixObject = {
        "type": object_type,
        "spec_version": SPEC_VERSION,
        "id": object_id,
        "created": stix_time(created),
        "modified": stix_time(created),
        "created_by_ref": CLEANNET_IDENTITY_ID,
    }
    if tlp is not None:
        common["object_marking_refs"] = [tlp_marking(tlp)]
    return common


def cleannet_identity() -> StixObject:
    """Return the identity of CleanNet, the creator of every object we publish."""
    identity = _common("identity", CLEANNET_IDENTITY_ID, EPOCH)
    del identity["created_by_ref"]
    return identity | {"name": "CleanNet", "identity_class": "organization"}


def organisation_identity_id(org: Organisation) -> str:
    return stix_id("identity", f"organisation/{org.slug}")


def organisation_identity(org: Organisation) -> StixObject:
    """Return the identity of an owner organisation (where its events were sighted)."""
    identity = _common("identity", organisation_identity_id(org), org.created_at)
    identity |= {"name": org.name, "identity_class": "organization"}
    if org.kind in _SECTORS:
        identity["sectors"] = [_SECTORS[org.kind]]
    return identity


def malware_id(family: MalwareFamily) -> str:
    return stix_id("malware", f"malware-family/{family.slug}")


def malware_object(family: MalwareFamily, created: dt.datetime, aliases: list[str]) -> StixObject:
    """Return the ``malware`` SDO of a family (``is_family``), its aliases as folded names."""
    malware = _common("malware", malware_id(family), created)
    malware |= {
        "name": family.name,
        "is_family": True,
        "malware_types": [_MALWARE_TYPES.get(family.kind, "unknown")],
    }
    if aliases:
        malware["aliases"] = aliases
    if family.description_en:
        malware["description"] = family.description_en
    if family.reference_url:
        malware["external_references"] = [{"source_name": "reference", "url": family.reference_url}]
    return malware


def _address_type(ip: str) -> str:
    return "ipv6-addr" if ":" in ip else "ipv4-addr"


def event_observables(event: Event) -> list[StixObject]:
    """Return the SCOs of the host an event is about: source first, destination if no source."""
    found: list[tuple[str, str]] = []
    if event.source_ip:
        found.append((_address_type(event.source_ip), event.source_ip))
    if event.source_fqdn:
        found.append(("domain-name", event.source_fqdn))
    if event.source_url:
        found.append(("url", event.source_url))
    if not found and event.destination_ip:
        found.append((_address_type(event.destination_ip), event.destination_ip))
    marking = [tlp_marking(event.tlp)]
    return [
        {
            "type": kind,
            "spec_version": SPEC_VERSION,
            "id": sco_id(kind, {"value": value}),
            "value": value,
            "object_marking_refs": marking,
        }
        for kind, value in found
    ]


def _positive(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return min(value, MAX_COUNT)
    return None


def number_observed(event: Event) -> int:
    """Return how many times this was seen: the stored aggregate, the feed's ``extra.count``, or 1.

    ``count`` is read with ``getattr``: the aggregate column is newer than this exporter.
    """
    stored = _positive(getattr(event, "count", None))
    if stored is not None and stored > 1:
        return stored
    return _positive(event.data.get("extra.count")) or 1


def observed_window(event: Event) -> tuple[str, str]:
    """Return (first, last) time seen: the aggregate's window where stored, else time.source."""
    first = getattr(event, "first_seen", None) or event.time_source
    last = getattr(event, "last_seen", None) or event.time_source
    return stix_time(first), stix_time(max(first, last))


def _labels(event: Event) -> list[str]:
    labels = [f'rsit:{event.classification_taxonomy}="{event.classification_type}"']
    if event.classification_identifier:
        labels.append(event.classification_identifier)
    return labels


def event_objects(event: Event) -> list[StixObject]:
    """Return the STIX objects of one stored event, SCOs first; [] if it names no host."""
    observables = event_observables(event)
    if not observables:
        return []
    first, last = observed_window(event)
    observed = _common(
        "observed-data",
        stix_id("observed-data", f"event/{event.event_hash}"),
        event.recorded_at,
        event.tlp,
    )
    observed |= {
        "first_observed": first,
        "last_observed": last,
        "number_observed": number_observed(event),
        "object_refs": [sco["id"] for sco in observables],
        "labels": _labels(event),
    }
    objects = [*observables, observed]
    if event.family is not None and event.owner is not None:
        objects.append(_sighting(event, observed["id"], (first, last)))
    return objects


def _sighting(event: Event, observed_id: str, seen: tuple[str, str]) -> StixObject:
    """Return the sighting of the event's family at its owner, evidenced by the observed-data."""
    assert event.family is not None and event.owner is not None
    sighting = _common(
        "sighting", stix_id("sighting", f"event/{event.event_hash}"), event.recorded_at, event.tlp
    )
    return sighting | {
        "first_seen": seen[0],
        "last_seen": seen[1],
        "count": number_observed(event),
        "sighting_of_ref": malware_id(event.family),
        "observed_data_refs": [observed_id],
        "where_sighted_refs": [organisation_identity_id(event.owner)],
    }


def indicator_id(indicator: Indicator) -> str:
    return stix_id("indicator", f"indicator/{indicator.kind}/{indicator.value}")


def indicator_objects(
    indicator: Indicator, created: dt.datetime, modified: dt.datetime
) -> list[StixObject]:
    """Return the ``indicator`` (and ``indicates`` relationship) of a stored indicator.

    ``created`` is when it was first stored, ``modified`` when it last changed; [] for a
    kind STIX cannot express (phone numbers).
    """
    pattern = indicator_pattern(indicator.kind, indicator.value)
    if pattern is None:
        return []
    stix = _common("indicator", indicator_id(indicator), created, indicator.tlp)
    stix |= {
        "modified": stix_time(modified),
        "name": indicator.value,
        "indicator_types": ["malicious-activity"],
        "pattern": pattern,
        "pattern_type": "stix",
        "pattern_version": SPEC_VERSION,
        "valid_from": stix_time(indicator.valid_from),
        "confidence": indicator.confidence,
        "labels": [indicator.kind],
    }
    if indicator.valid_until is not None:
        stix["valid_until"] = stix_time(indicator.valid_until)
    if indicator.family is None:
        return [stix]
    return [stix, _indicates(indicator, indicator.family, created, modified)]


def _indicates(
    indicator: Indicator, family: MalwareFamily, created: dt.datetime, modified: dt.datetime
) -> StixObject:
    """Return "indicator indicates malware"; it changes with its indicator, so shares its times."""
    name = f"indicates/{indicator.kind}/{indicator.value}"
    relationship = _common("relationship", stix_id("relationship", name), created, indicator.tlp)
    return relationship | {
        "modified": stix_time(modified),
        "relationship_type": "indicates",
        "source_ref": indicator_id(indicator),
        "target_ref": malware_id(family),
    }
