"""What a TAXII collection holds, as entries in the order they were added.

An entry is one stored record (an event, an indicator, a malware family, a fixed object)
with the STIX objects it becomes. Entries are ordered by ``Position``: the time the record
was stored (TAXII's ``date_added``), then a rank per kind of record, then a key unique
within that kind. Each source reads its entries from a position on, in chunks, so that a
page costs the same at the start of a collection as deep into it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from cleannet.server.accounts.models import AuditEntry, Organisation
from cleannet.server.exchange.stix import (
    EPOCH,
    TLP_MARKING_CREATED,
    StixObject,
    marking_definitions,
)
from cleannet.server.exchange.stix_objects import (
    cleannet_identity,
    event_objects,
    indicator_objects,
    malware_object,
    organisation_identity,
)
from cleannet.server.intel.models import Event, Indicator, MalwareFamily, Tlp

CHUNK_SIZE = 200
SCO_TYPES = frozenset({"ipv4-addr", "ipv6-addr", "domain-name", "url"})


@dataclass(frozen=True, order=True)
class Position:
    """Where an entry sits in a collection: ``(date_added, rank, key)``, compared in order."""

    date_added: dt.datetime
    rank: int
    key: int


@dataclass(frozen=True)
class Entry:
    position: Position
    objects: list[StixObject]


class Source(Protocol):
    """A kind of record in a collection; ``types`` are the STIX types it can produce."""

    rank: int
    types: frozenset[str]

    def entries(self, start: Position | None, added_after: dt.datetime | None) -> Iterator[Entry]:
        """Yield the entries at or after ``start`` and added after ``added_after``, in order."""
        ...


def at_or_after(date_field: str, key_field: str, rank: int, start: Position | None) -> Q:
    """Return the condition "this source's row is at or after ``start``" for a queryset."""
    if start is None:
        return Q()
    if rank != start.rank:
        # Another rank: rows at the same time sort before (lower rank) or after it.
        lookup = "gte" if rank > start.rank else "gt"
        return Q(**{f"{date_field}__{lookup}": start.date_added})
    return Q(**{f"{date_field}__gt": start.date_added}) | Q(
        **{date_field: start.date_added, f"{key_field}__gte": start.key}
    )


def _in_window(
    entries: list[Entry], start: Position | None, added_after: dt.datetime | None
) -> Iterator[Entry]:
    for entry in sorted(entries, key=lambda e: e.position):
        if start is not None and entry.position < start:
            continue
        if added_after is not None and entry.position.date_added <= added_after:
            continue
        yield entry


class FixedSource:
    """Our identity, the owner's identity and the TLP 2.0 marking definitions."""

    rank = 0
    types = frozenset({"identity", "marking-definition"})

    def __init__(self, organisation: Organisation | None) -> None:
        fixed = [(TLP_MARKING_CREATED, marking) for marking in marking_definitions()]
        fixed.append((EPOCH, cleannet_identity()))
        if organisation is not None:
            fixed.append((organisation.created_at, organisation_identity(organisation)))
        self._entries = [
            Entry(Position(added, self.rank, key), [obj]) for key, (added, obj) in enumerate(fixed)
        ]

    def entries(self, start: Position | None, added_after: dt.datetime | None) -> Iterator[Entry]:
        return _in_window(self._entries, start, added_after)


def _added_times(model_label: str, action: str) -> dict[str, dt.datetime]:
    """Return when each object of a model was stored, from its audit entries (id → time)."""
    rows = AuditEntry.objects.filter(object_type=model_label, action=action)
    return dict(rows.order_by("-at").values_list("object_id", "at"))


class FamilySource:
    """Every malware family, added when its audit entry says it was (or at ``EPOCH``)."""

    rank = 1
    types = frozenset({"malware"})

    def __init__(self) -> None:
        added = _added_times(MalwareFamily._meta.label_lower, "malware_family.add")
        self._entries = []
        for family in MalwareFamily.objects.prefetch_related("aliases"):
            when = added.get(str(family.pk), EPOCH)
            # Aliases are stored folded; the folded name itself is no alternative name.
            folded = family.name.casefold()
            aliases = sorted(a.alias for a in family.aliases.all() if a.alias != folded)
            position = Position(when, self.rank, family.pk)
            self._entries.append(Entry(position, [malware_object(family, when, aliases)]))

    def entries(self, start: Position | None, added_after: dt.datetime | None) -> Iterator[Entry]:
        return _in_window(self._entries, start, added_after)


class EventSource:
    """The events attributed to one organisation, added when they were recorded."""

    rank = 2
    types = SCO_TYPES | {"observed-data", "sighting"}

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation

    def entries(self, start: Position | None, added_after: dt.datetime | None) -> Iterator[Entry]:
        events = Event.objects.filter(owner=self.organisation).select_related("family", "owner")
        if added_after is not None:
            events = events.filter(recorded_at__gt=added_after)
        while True:
            window = events.filter(at_or_after("recorded_at", "id", self.rank, start))
            chunk = list(window.order_by("recorded_at", "id")[:CHUNK_SIZE])
            for event in chunk:
                position = Position(event.recorded_at, self.rank, event.pk)
                yield Entry(position, event_objects(event))
            if len(chunk) < CHUNK_SIZE:
                return
            start = Position(chunk[-1].recorded_at, self.rank, chunk[-1].pk + 1)


INDICATOR_LABEL = Indicator._meta.label_lower
INDICATOR_CHANGES = ("indicator.add", "indicator.update")


def latest_indicator_changes() -> QuerySet[AuditEntry]:
    """Return the last audit entry of each indicator: when its current version was stored.

    The indicator table keeps no time of storage (first/last seen are the feeds' times),
    while ``upsert_indicator`` audits every insert and widening; see docs/exchange.md.
    """
    later = AuditEntry.objects.filter(
        object_type=INDICATOR_LABEL, object_id=OuterRef("object_id"), id__gt=OuterRef("id")
    )
    changes = AuditEntry.objects.filter(object_type=INDICATOR_LABEL, action__in=INDICATOR_CHANGES)
    return changes.filter(~Exists(later))


class IndicatorSource:
    """Current indicators (valid now), each at the time its current version was stored."""

    rank = 3
    types = frozenset({"indicator", "relationship"})

    def __init__(self, include_red: bool, now: dt.datetime) -> None:
        # STIX needs valid_until after valid_from: an empty window is never current.
        current = Q(valid_until__isnull=True) | Q(
            valid_until__gt=now, valid_from__lt=F("valid_until")
        )
        indicators = Indicator.objects.filter(current).select_related("family")
        self._indicators = indicators if include_red else indicators.exclude(tlp=Tlp.RED)

    def entries(self, start: Position | None, added_after: dt.datetime | None) -> Iterator[Entry]:
        # Expired indicators are left out in the database, so years of them cost no reads here.
        wanted = self._indicators.annotate(key=Cast("pk", CharField())).values("key")
        changes = latest_indicator_changes().filter(object_id__in=wanted)
        if added_after is not None:
            changes = changes.filter(at__gt=added_after)
        while True:
            window = changes.filter(at_or_after("at", "id", self.rank, start))
            chunk = list(
                window.order_by("at", "id").values_list("id", "at", "object_id")[:CHUNK_SIZE]
            )
            yield from self._chunk_entries(chunk)
            if len(chunk) < CHUNK_SIZE:
                return
            start = Position(chunk[-1][1], self.rank, chunk[-1][0] + 1)

    def _chunk_entries(self, chunk: list[tuple[int, dt.datetime, str]]) -> Iterator[Entry]:
        keys = [int(object_id) for _, _, object_id in chunk if object_id.isdigit()]
        rows = self._indicators.filter(pk__in=keys).in_bulk()
        created = AuditEntry.objects.filter(
            object_type=INDICATOR_LABEL,
            action="indicator.add",
            object_id__in=[str(k) for k in rows],
        )
        first_stored = dict(created.values_list("object_id", "at"))
        for audit_id, at, object_id in chunk:
            indicator = rows.get(int(object_id)) if object_id.isdigit() else None
            if indicator is None:  # changed since this chunk was read
                continue
            made = min(first_stored.get(object_id, at), at)
            yield Entry(Position(at, self.rank, audit_id), indicator_objects(indicator, made, at))
