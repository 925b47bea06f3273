"""The STIX 2.1 bundle export: the same objects as the TAXII collections, in one file."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

from cleannet.server.accounts.models import Organisation
from cleannet.server.exchange.entries import FamilySource, FixedSource
from cleannet.server.exchange.selection import EventSelection, Progress, iter_events
from cleannet.server.exchange.stix import StixObject
from cleannet.server.exchange.stix_objects import event_objects, organisation_identity


def _reference_objects(selection: EventSelection) -> Iterator[StixObject]:
    """Yield the markings, identities and malware families the event objects refer to."""
    for source in (FixedSource(selection.owner), FamilySource()):
        for entry in source.entries(None, None):
            yield from entry.objects
    if selection.owner is None:
        for organisation in Organisation.objects.order_by("name"):
            yield organisation_identity(organisation)


def _event_objects(selection: EventSelection, progress: Progress | None) -> Iterator[StixObject]:
    """Yield each selected event's objects; an address seen again is not repeated."""
    # Only SCO ids are remembered (not the objects): bounded by the distinct hosts exported.
    seen_observables: set[str] = set()
    for event in iter_events(selection.queryset(), progress):
        for obj in event_objects(event):
            if "created" not in obj:
                if obj["id"] in seen_observables:
                    continue
                seen_observables.add(obj["id"])
            yield obj


def export_stix_bundle(
    selection: EventSelection, progress: Progress | None = None
) -> Iterator[str]:
    """Yield a STIX 2.1 bundle of the selected events as text chunks, one object a chunk.

    The bundle holds the TLP markings, CleanNet's identity, the owners' identities, every
    malware family, then each event as SCOs, ``observed-data`` and ``sighting``.
    """
    yield json.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}"})[:-1] + ', "objects": ['
    separator = "\n"
    for source in (_reference_objects(selection), _event_objects(selection, progress)):
        for obj in source:
            yield separator + json.dumps(obj, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"
