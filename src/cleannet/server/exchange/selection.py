"""Which events an export covers, read in chunks so that no export holds them all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from cleannet.server.accounts.models import Organisation
from cleannet.server.intel.models import Event

CHUNK_SIZE = 1000

Progress = Callable[[int], None]
"""Called with the number of events just written; exports report through it."""


@dataclass(frozen=True)
class EventSelection:
    """The events of ``owner`` (every event when None) with ``since <= time.source < until``."""

    owner: Organisation | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def queryset(self) -> QuerySet[Event]:
        """Return the selected events, unordered, with what the exporters read joined."""
        events = Event.objects.select_related("feed", "family", "owner", "prefix")
        if self.owner is not None:
            events = events.filter(owner=self.owner)
        if self.since is not None:
            events = events.filter(time_source__gte=self.since)
        if self.until is not None:
            events = events.filter(time_source__lt=self.until)
        return events

    def count(self) -> int:
        return self.queryset().count()


def iter_events(
    events: QuerySet[Event], progress: Progress | None = None, order: tuple[str, ...] = ("id",)
) -> Iterator[Event]:
    """Yield ``events`` in ``order`` (which must end in ``id``), ``CHUNK_SIZE`` rows a query.

    Keyset paging instead of a database cursor: a long download holds no cursor or
    transaction open, and it works the same on SQLite and PostgreSQL.
    """
    last: Event | None = None
    while True:
        chunk = list(_after(events, last, order).order_by(*order)[:CHUNK_SIZE])
        yield from chunk
        if progress is not None and chunk:
            progress(len(chunk))
        if len(chunk) < CHUNK_SIZE:
            return
        last = chunk[-1]


def _after(events: QuerySet[Event], last: Event | None, order: tuple[str, ...]) -> QuerySet[Event]:
    """Return the rows of ``events`` strictly after ``last`` in the lexicographic ``order``."""
    if last is None:
        return events
    after = Q()
    for depth, name in enumerate(order):
        step = Q(**{f"{name}__gt": getattr(last, name)})
        for earlier in order[:depth]:
            step &= Q(**{earlier: getattr(last, earlier)})
        after |= step
    return events.filter(after)


# The columns of the CSV export, in IntelMQ's names; JSONL carries every field.
CSV_FIELDS: tuple[str, ...] = (
    "time.source",
    "time.observation",
    "feed.name",
    "feed.provider",
    "classification.taxonomy",
    "classification.type",
    "classification.identifier",
    "malware.name",
    "source.ip",
    "source.port",
    "source.asn",
    "source.network",
    "source.fqdn",
    "source.url",
    "destination.ip",
    "destination.port",
    "protocol.transport",
    "protocol.application",
    "tlp",
    "event_hash",
)


def event_record(event: Event) -> dict[str, Any]:
    """Return the event in IntelMQ's dotted names: the stored fields plus what was attributed.

    ``source.asn`` and ``source.network`` are filled from the attribution when the feed
    gave none; ``tlp`` is the stored (possibly stricter) level; ``event_hash`` the identity.
    """
    record = dict(event.data)
    if event.source_asn is not None:
        record.setdefault("source.asn", event.source_asn)
    if event.prefix is not None:
        record.setdefault("source.network", event.prefix.cidr)
    if event.family is not None:
        record.setdefault("malware.name", event.family.slug)
    record["tlp"] = event.tlp
    record["event_hash"] = event.event_hash
    return record
