"""STIX 2.1 vocabulary shared by the exporters: ids, timestamps, TLP markings, patterns.

Objects are built as plain JSON dicts, not with the ``stix2`` library: it validates each
object by parsing its pattern (about 1 ms an object), too slow for collections of millions
of events. The tests parse every object we emit with ``stix2`` to prove it is valid.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from cleannet.core.indicators import IndicatorKind

StixObject = dict[str, Any]

SPEC_VERSION = "2.1"
STIX_MEDIA_TYPE = "application/stix+json;version=2.1"

# Our ids are uuid5 names under this namespace, so a re-export gives the same ids.
CLEANNET_NAMESPACE = uuid.UUID("5b0f5c8e-7f55-4f59-9c0e-6c1e2e6b7a10")
# STIX 2.1 §2.9: SCO ids are uuid5 under this namespace over their id-contributing properties.
SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

# The earliest time we claim for objects that have no recorded creation (our own identity).
EPOCH = dt.datetime(2022, 10, 1, tzinfo=dt.UTC)

# TLP 2.0 marking definitions as published by the OASIS CTI TC (cti-stix-common-objects,
# extension-definition-specifications/tlp-2.0): consumers recognise them by these ids.
TLP2_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_MARKING_CREATED = dt.datetime(2022, 10, 1, tzinfo=dt.UTC)
TLP_MARKINGS: dict[str, str] = {
    "CLEAR": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "GREEN": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "AMBER": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "AMBER+STRICT": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "RED": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def stix_id(object_type: str, name: str) -> str:
    """Return ``<type>--<uuid5(CLEANNET_NAMESPACE, name)>``, the id of one database identity."""
    return f"{object_type}--{uuid.uuid5(CLEANNET_NAMESPACE, name)}"


def sco_id(object_type: str, contributing: dict[str, Any]) -> str:
    """Return the id STIX 2.1 defines for an SCO from its id-contributing properties.

    The name is the JSON canonicalisation (RFC 8785) of the properties; for the string
    values we use, sorted keys without spaces and unescaped UTF-8 are that form.
    """
    canonical = json.dumps(contributing, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{object_type}--{uuid.uuid5(SCO_NAMESPACE, canonical)}"


def stix_time(value: dt.datetime) -> str:
    """Return ``value`` as a STIX timestamp in UTC with microseconds (``…T08:00:00.000000Z``).

    Microseconds keep the round trip exact: a client's ``added_after`` of a time we sent
    must not match the same record again.
    """
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def tlp_marking(tlp: str) -> str:
    """Return the marking-definition id of a stored TLP level (AMBER when unknown)."""
    return TLP_MARKINGS.get(tlp, TLP_MARKINGS["AMBER"])


def marking_definitions() -> list[StixObject]:
    """Return the five TLP 2.0 marking-definition objects exactly as published."""
    return [
        {
            "type": "marking-definition",
            "spec_version": SPEC_VERSION,
            "id": marking_id,
            "created": "2022-10-01T00:00:00.000Z",
            "name": f"TLP:{level}",
            "extensions": {
                TLP2_EXTENSION: {"extension_type": "property-extension", "tlp_2_0": level.lower()}
            },
        }
        for level, marking_id in TLP_MARKINGS.items()
    ]


def _quoted(value: str) -> str:
    """Return ``value`` as a STIX pattern string literal (backslash and quote escaped)."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


_PATTERN_PATHS: dict[str, str] = {
    IndicatorKind.IPV4: "ipv4-addr:value",
    IndicatorKind.IPV6: "ipv6-addr:value",
    IndicatorKind.DOMAIN: "domain-name:value",
    IndicatorKind.URL: "url:value",
    IndicatorKind.EMAIL: "email-addr:value",
    IndicatorKind.MD5: "file:hashes.MD5",
    IndicatorKind.SHA1: "file:hashes.'SHA-1'",
    IndicatorKind.SHA256: "file:hashes.'SHA-256'",
}


def indicator_pattern(kind: str, value: str) -> str | None:
    """Return the STIX pattern matching an indicator, or None for a kind STIX cannot express.

    Phone numbers have no STIX cyber-observable, so they are left out of STIX exports.
    """
    if kind == IndicatorKind.CIDR:
        address_type = "ipv6-addr" if ":" in value else "ipv4-addr"
        return f"[{address_type}:value ISSUBSET {_quoted(value)}]"
    if kind == IndicatorKind.ASN:
        return f"[autonomous-system:number = {int(value.removeprefix('AS'))}]"
    path = _PATTERN_PATHS.get(kind)
    return f"[{path} = {_quoted(value)}]" if path else None
