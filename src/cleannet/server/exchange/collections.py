"""TAXII collections: one per owner organisation, and the national indicators.

Who reads what: an organisation's users (ISP operators, members) read their own
organisation's collection; ISP operators also read the national indicators; authority
staff read everything. Any other collection does not exist for the caller (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.utils import timezone

from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import Role
from cleannet.server.exchange.entries import (
    EventSource,
    FamilySource,
    FixedSource,
    IndicatorSource,
    Source,
)
from cleannet.server.exchange.stix import STIX_MEDIA_TYPE

# Collection ids are uuid5 names under this namespace: stable across restarts and hosts.
COLLECTION_NAMESPACE = uuid.UUID("0d3c0f7e-2a55-4b52-8a4c-5f1c3b1e9a21")
# Not a possible slug (it has a space), so it can never collide with an organisation's id.
NATIONAL_NAME = "national indicators"
NATIONAL_READERS = frozenset({Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST, Role.ISP_OPERATOR})


def organisation_collection_id(organisation: Organisation) -> str:
    return str(uuid.uuid5(COLLECTION_NAMESPACE, organisation.slug))


NATIONAL_COLLECTION_ID = str(uuid.uuid5(COLLECTION_NAMESPACE, NATIONAL_NAME))


@dataclass(frozen=True)
class Collection:
    """A read-only collection; ``organisation`` is None for the national indicators."""

    id: str
    title: str
    description: str
    organisation: Organisation | None

    def resource(self) -> dict[str, object]:
        """Return the TAXII 2.1 collection resource (never writable: nothing can be posted)."""
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "can_read": True,
            "can_write": False,
            "media_types": [STIX_MEDIA_TYPE],
        }

    def sources(self, reader: User) -> list[Source]:
        """Return the sources of this collection's objects as ``reader`` may see them.

        TLP:RED indicators reach authority staff only, as in the JSON API.
        """
        if self.organisation is None:
            return [
                FixedSource(None),
                FamilySource(),
                IndicatorSource(include_red=reader.is_authority, now=timezone.now()),
            ]
        return [FixedSource(self.organisation), FamilySource(), EventSource(self.organisation)]


def organisation_collection(organisation: Organisation) -> Collection:
    return Collection(
        id=organisation_collection_id(organisation),
        title=f"Events of {organisation.name}",
        description=(
            f"Events attributed to {organisation.name} ({organisation.slug}): the hosts seen, "
            "as observed-data, and sightings of malware families."
        ),
        organisation=organisation,
    )


NATIONAL_COLLECTION = Collection(
    id=NATIONAL_COLLECTION_ID,
    title="National indicators",
    description="Every current indicator (IP, network, domain, URL, hash …) with its validity.",
    organisation=None,
)


def readable_collections(reader: User) -> list[Collection]:
    """Return the collections ``reader`` may read: national first, then organisations by name."""
    collections = [NATIONAL_COLLECTION] if reader.role in NATIONAL_READERS else []
    if reader.is_authority:
        organisations = list(Organisation.objects.order_by("name"))
    else:
        organisations = [reader.organisation]
    return collections + [organisation_collection(org) for org in organisations]


def find_collection(reader: User, collection_id: str) -> Collection | None:
    """Return the collection ``collection_id`` if ``reader`` may read it, else None."""
    for collection in readable_collections(reader):
        if collection.id == collection_id:
            return collection
    return None
