"""MISP attributes of CleanNet events, and which of them are indicators (``to_ids``)."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.db.models import Q
from django.utils import timezone

from cleannet.server.intel.models import Event, Indicator

_NAMESPACE = uuid.UUID("3e4f8a61-0b9d-4c27-9e15-d8a0c6b2f744")
_NETWORK = "Network activity"
_PAYLOAD = "Payload delivery"
# (event column, MISP type, category) of the hosts an event names.
_HOST_FIELDS = (
    ("source_ip", "ip-src", _NETWORK),
    ("destination_ip", "ip-dst", _NETWORK),
    ("source_fqdn", "domain", _NETWORK),
    ("source_url", "url", _NETWORK),
)
_HASH_FIELDS = (
    ("malware.hash.md5", "md5"),
    ("malware.hash.sha1", "sha1"),
    ("malware.hash.sha256", "sha256"),
)
_LOOKUP_CHUNK = 400  # keeps "value IN (…)" under SQLite's bound-parameter limit


def _values(event: Event) -> list[tuple[str, str, str]]:
    found = [
        (t, c, str(getattr(event, name))) for name, t, c in _HOST_FIELDS if getattr(event, name)
    ]
    for name, misp_type in _HASH_FIELDS:
        if event.data.get(name):
            found.append((misp_type, _PAYLOAD, str(event.data[name])))
    return found


def attribute_candidates(event: Event, event_uuid: str) -> list[dict[str, Any]]:
    """Return the MISP attributes of one event (``to_ids`` False until ``mark_indicators``)."""
    seen = event.time_source.isoformat()
    comment = f"{event.classification_taxonomy}/{event.classification_type}"
    if event.classification_identifier:
        comment += f" ({event.classification_identifier})"
    tags = [
        {"name": f"tlp:{event.tlp.lower()}"},
        {"name": f'rsit:{event.classification_taxonomy}="{event.classification_type}"'},
    ]
    return [
        {
            "uuid": str(uuid.uuid5(_NAMESPACE, f"{event_uuid}/{misp_type}/{value}")),
            "type": misp_type,
            "category": category,
            "value": value,
            "to_ids": False,
            "comment": comment,
            "timestamp": str(int(event.recorded_at.timestamp())),
            "first_seen": seen,
            "last_seen": seen,
            "disable_correlation": False,
            "deleted": False,
            "Tag": tags,
        }
        for misp_type, category, value in _values(event)
    ]


def _indicator_kind(attribute: dict[str, Any]) -> str:
    if attribute["type"] in ("ip-src", "ip-dst"):
        return "ipv6" if ":" in attribute["value"] else "ipv4"
    return str(attribute["type"])  # domain, url, md5, sha1 and sha256 share our kind names


def mark_indicators(attributes: list[dict[str, Any]]) -> None:
    """Set ``to_ids`` on the attributes whose value is a current CleanNet indicator.

    An infected customer's address is evidence, not something to block: only what the
    indicator store holds as malicious (a C2 address, a phishing URL) is for IDS rules.
    """
    wanted: dict[str, set[str]] = defaultdict(set)
    for attribute in attributes:
        wanted[_indicator_kind(attribute)].add(attribute["value"])
    current = Q(valid_until__isnull=True) | Q(valid_until__gt=timezone.now())
    known: set[tuple[str, str]] = set()
    for kind, values in wanted.items():
        ordered = sorted(values)
        for start in range(0, len(ordered), _LOOKUP_CHUNK):
            chunk = ordered[start : start + _LOOKUP_CHUNK]
            rows = Indicator.objects.filter(current, kind=kind, value__in=chunk)
            known.update(rows.values_list("kind", "value"))
    for attribute in attributes:
        attribute["to_ids"] = (_indicator_kind(attribute), attribute["value"]) in known
