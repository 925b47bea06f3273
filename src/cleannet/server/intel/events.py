"""Recording events in batches: deduplicated by event hash, attributed, linked to a family.

Events are the high-volume record (a feed run may bring hundreds of thousands), so they
are written with ``bulk_create`` in batches of ``BATCH_SIZE`` and audited once per
``record_events`` call, not once per event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

from django.db import transaction
from django.utils import timezone

from cleannet.core.event import Event
from cleannet.server.accounts.audit import actor_label
from cleannet.server.accounts.models import AuditEntry, User
from cleannet.server.intel.families import resolve_families
from cleannet.server.intel.feeds import normalise_tlp
from cleannet.server.intel.models import Event as StoredEvent
from cleannet.server.intel.models import Feed, MalwareFamily, Tlp
from cleannet.server.intel.naming import alias_key
from cleannet.server.networks.services import Attribution, owners_of, validity_day

# Keeps each "event_hash IN (...)" under SQLite's smallest bound-parameter limit (999).
BATCH_SIZE = 500

Owners = dict[tuple[dt.date, str], Attribution]


@dataclass(frozen=True)
class RecordResult:
    """Counts of one ``record_events`` call; ``read == accepted + duplicates``."""

    read: int
    accepted: int
    duplicates: int


@transaction.atomic
def record_events(
    actor: User | None, events: Iterable[Event], feed: Feed | None = None
) -> RecordResult:
    """Store new events; return how many were read, accepted and already known.

    An event is a duplicate if an event with the same ``event_hash()`` is stored already
    or came earlier in ``events``; the first one is kept. Each new event is attributed to
    the owner of ``source.ip`` at ``time.source`` (longest held prefix) and linked to the
    family that ``malware.name`` or ``classification.identifier`` names.

    The whole call is one transaction with one audit entry (action ``events.record``
    with the counts), not one per event: callers with millions of events call it once per
    chunk. Counts are exact when one writer records a given feed at a time (a run of a
    feed is never parallel); a concurrent writer of the same event makes it counted as
    accepted by both, though it is stored once.
    """
    read = accepted = 0
    for batch in _batches(events):
        read += len(batch)
        accepted += _record_batch(batch, feed)
    result = RecordResult(read=read, accepted=accepted, duplicates=read - accepted)
    _audit(actor, feed, result)
    return result


def _batches(events: Iterable[Event]) -> Iterator[list[Event]]:
    iterator = iter(events)
    while batch := list(islice(iterator, BATCH_SIZE)):
        yield batch


def _record_batch(batch: list[Event], feed: Feed | None) -> int:
    """Insert the events of ``batch`` not stored yet; return how many were inserted."""
    unique: dict[str, Event] = {}
    for event in batch:
        unique.setdefault(event.event_hash(), event)
    known = set(
        StoredEvent.objects.filter(event_hash__in=list(unique)).values_list("event_hash", flat=True)
    )
    fresh = {digest: event for digest, event in unique.items() if digest not in known}
    if not fresh:
        return 0
    owners = _owners(fresh.values())
    families = resolve_families(_family_name(e) for e in fresh.values())
    now = timezone.now()
    rows = [_stored(digest, event, feed, owners, families, now) for digest, event in fresh.items()]
    # ignore_conflicts: a concurrent writer of the same event must not abort the batch.
    StoredEvent.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _owners(events: Iterable[Event]) -> Owners:
    """Return the owner of each (day, source.ip), one ``owners_of`` call per day."""
    by_day: dict[dt.date, set[str]] = defaultdict(set)
    for event in events:
        if "source.ip" in event:
            by_day[validity_day(_time(event, "time.source"))].add(str(event["source.ip"]))
    owners: Owners = {}
    for day, ips in by_day.items():
        owners.update({(day, ip): found for ip, found in owners_of(ips, day).items()})
    return owners


def _family_name(event: Event) -> str:
    return str(event.get("malware.name") or event.get("classification.identifier") or "")


def _time(event: Event, name: str) -> dt.datetime:
    value = event[name]
    assert isinstance(value, dt.datetime)
    return value


def _stored(
    digest: str,
    event: Event,
    feed: Feed | None,
    owners: Owners,
    families: dict[str, MalwareFamily],
    now: dt.datetime,
) -> StoredEvent:
    time_source = _time(event, "time.source")
    owner = owners.get((validity_day(time_source), str(event.get("source.ip", ""))))
    return StoredEvent(
        event_hash=digest,
        recorded_at=now,
        time_source=time_source,
        time_observation=_time(event, "time.observation") if "time.observation" in event else None,
        feed=feed,
        family=families.get(alias_key(_family_name(event))),
        owner=owner.organisation if owner else None,
        prefix=owner.prefix if owner else None,
        tlp=_tlp(event, feed),
        data=event.to_dict(),
        **_copied_columns(event, owner),
    )


def _copied_columns(event: Event, owner: Attribution | None) -> dict[str, Any]:
    """Return the column copies of the event's fields (lengths cut to fit; ``data`` is whole).

    ``source_asn`` falls back to the AS of the attributed prefix when the feed gave none.
    """
    classification = event.classification
    attributed_asn = owner.autonomous_system.number if owner and owner.autonomous_system else None
    return {
        "classification_taxonomy": classification.taxonomy,
        "classification_type": classification.type,
        "classification_identifier": classification.identifier[:100],
        "source_ip": event.get("source.ip"),
        "source_port": event.get("source.port"),
        "source_asn": event.get("source.asn") or attributed_asn,
        "source_fqdn": str(event.get("source.fqdn", ""))[:255],
        "source_url": str(event.get("source.url", "")),
        "destination_ip": event.get("destination.ip"),
        "destination_port": event.get("destination.port"),
    }


def _tlp(event: Event, feed: Feed | None) -> str:
    if "tlp" in event:
        return normalise_tlp(str(event["tlp"]))
    return feed.tlp if feed is not None else Tlp.AMBER


def _audit(actor: User | None, feed: Feed | None, result: RecordResult) -> None:
    """Write the one audit entry of a ``record_events`` call, filed under the feed if any."""
    AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label(actor),
        action="events.record",
        object_type=(Feed if feed else StoredEvent)._meta.label_lower,
        object_id=str(feed.pk) if feed else "",
        after={
            "feed": feed.name if feed else None,
            "read": result.read,
            "accepted": result.accepted,
            "duplicates": result.duplicates,
        },
    )
