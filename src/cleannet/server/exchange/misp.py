"""The MISP feed export: a directory MISP can subscribe to (Sync Actions → Feeds).

Layout as PyMISP's ``feed_meta_generator`` writes it: one ``<event-uuid>.json`` per MISP
event, ``manifest.json`` (uuid → info, date, Orgc, Tag, timestamp, threat level,
analysis) and ``hashes.csv`` (md5 of each attribute value, event uuid). CleanNet events
are grouped into one MISP event per owner per UTC day, so the feed covers whole days.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db.models import Q, QuerySet

from cleannet.server.accounts.models import Organisation
from cleannet.server.exchange.misp_attributes import attribute_candidates, mark_indicators
from cleannet.server.exchange.selection import Progress, iter_events
from cleannet.server.intel.models import Event

MISP_NAMESPACE = uuid.UUID("7a9c3d52-6c1b-4e0f-a4b8-2f6d9e1c5b33")
ORGC = {"name": "CleanNet", "uuid": str(uuid.uuid5(MISP_NAMESPACE, "cleannet"))}
_TLP_ORDER = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"]


@dataclass(frozen=True)
class MispFeedSummary:
    """What an export wrote: MISP events, their attributes, and the CleanNet events read."""

    misp_events: int
    attributes: int
    events_read: int


@dataclass
class _Day:
    """The MISP event of one owner's day, filled event by event."""

    owner: Organisation | None
    day: dt.date
    attributes: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    tlps: set[str] = field(default_factory=set)
    rsit: set[str] = field(default_factory=set)
    timestamp: int = 0
    events: int = 0

    @property
    def uuid(self) -> str:
        owner = self.owner.slug if self.owner else "-unattributed"
        return str(uuid.uuid5(MISP_NAMESPACE, f"{owner}/{self.day.isoformat()}"))

    def add(self, event: Event) -> None:
        """Add an event's attributes; one attribute per (type, value), its seen range widened."""
        self.events += 1
        self.tlps.add(event.tlp)
        self.rsit.add(f'rsit:{event.classification_taxonomy}="{event.classification_type}"')
        self.timestamp = max(self.timestamp, int(event.recorded_at.timestamp()))
        for attribute in attribute_candidates(event, self.uuid):
            key = (attribute["type"], attribute["value"])
            known = self.attributes.setdefault(key, attribute)
            known["first_seen"] = min(known["first_seen"], attribute["first_seen"])
            known["last_seen"] = max(known["last_seen"], attribute["last_seen"])

    def tags(self) -> list[dict[str, str]]:
        strictest = max(self.tlps, key=_TLP_ORDER.index) if self.tlps else "AMBER"
        return [{"name": f"tlp:{strictest.lower()}"}] + [{"name": t} for t in sorted(self.rsit)]

    def meta(self) -> dict[str, Any]:
        """Return the event's manifest entry (also the head of its event file)."""
        owner = self.owner.name if self.owner else "unattributed hosts"
        malicious = any(tag.startswith("rsit:malicious-code") for tag in self.rsit)
        return {
            "info": f"CleanNet: events of {owner} on {self.day.isoformat()}",
            "date": self.day.isoformat(),
            "analysis": "2",  # completed: these are observations, not an open investigation
            "threat_level_id": "2" if malicious else "3",
            "timestamp": str(self.timestamp),
            "Orgc": ORGC,
            "Tag": self.tags(),
        }

    def to_feed(self) -> dict[str, Any]:
        attributes = sorted(self.attributes.values(), key=lambda a: (a["type"], a["value"]))
        mark_indicators(attributes)
        event = {"uuid": self.uuid, **self.meta(), "published": True}
        event["publish_timestamp"] = event["timestamp"]
        return {"Event": event | {"Attribute": attributes}}


def _whole_days(
    since: dt.datetime | None, until: dt.datetime | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Widen ``[since, until)`` to whole UTC days, so no day's event file is written partly."""
    day = dt.timedelta(days=1)
    start = None
    if since is not None:
        start = dt.datetime.combine(since.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
    end = None
    if until is not None:
        end = dt.datetime.combine(until.astimezone(dt.UTC).date(), dt.time(), dt.UTC)
        end = end if end == until else end + day
    return start, end


def _owner_events(
    owner: Organisation | None, since: dt.datetime | None, until: dt.datetime | None
) -> Iterator[tuple[Organisation | None, QuerySet[Event]]]:
    """Yield each owner (None: events no organisation holds) with its events in the window."""
    window = Q()
    if since is not None:
        window &= Q(time_source__gte=since)
    if until is not None:
        window &= Q(time_source__lt=until)
    events = Event.objects.filter(window).select_related("family", "owner")
    owners: list[Organisation | None] = [owner] if owner else [*Organisation.objects.all(), None]
    for each in owners:
        yield each, events.filter(owner=each) if each else events.filter(owner__isnull=True)


def _days(
    owner: Organisation | None, events: QuerySet[Event], progress: Progress | None
) -> Iterator[_Day]:
    """Yield one filled ``_Day`` per UTC day that has events, in time order."""
    current: _Day | None = None
    for event in iter_events(events, progress, order=("time_source", "id")):
        day = event.time_source.astimezone(dt.UTC).date()
        if current is not None and current.day != day:
            yield current
            current = None
        current = current or _Day(owner, day)
        current.add(event)
    if current is not None:
        yield current


def export_misp_feed(
    owner: Organisation | None,
    directory: Path,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    progress: Progress | None = None,
) -> MispFeedSummary:
    """Write (or bring up to date) a MISP feed of ``owner``'s events (every owner if None).

    Event files of the days covered are rewritten whole; ``manifest.json`` and
    ``hashes.csv`` keep the entries of other days already in ``directory``. Returns what
    was written; raises ``OSError`` if the directory cannot be written.
    """
    directory.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(directory)
    written: dict[str, list[str]] = {}
    read = attributes = 0
    start, end = _whole_days(since, until)
    for each, events in _owner_events(owner, start, end):
        for day in _days(each, events, progress):
            feed = day.to_feed()
            read += day.events
            if not feed["Event"]["Attribute"]:
                continue
            _write_json(directory / f"{day.uuid}.json", feed)
            manifest[day.uuid] = day.meta()
            written[day.uuid] = [_md5(a["value"]) for a in feed["Event"]["Attribute"]]
            attributes += len(written[day.uuid])
    _write_json(directory / "manifest.json", manifest)
    _write_hashes(directory / "hashes.csv", written)
    return MispFeedSummary(misp_events=len(written), attributes=attributes, events_read=read)


def _md5(value: str) -> str:
    """Return the md5 MISP's feed cache uses for an attribute value (not for security)."""
    return hashlib.md5(value.encode("utf-8"), usedforsecurity=False).hexdigest()


def _load_manifest(directory: Path) -> dict[str, Any]:
    path = directory / "manifest.json"
    if not path.exists():
        return {}
    loaded = json.loads(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


def _write_json(path: Path, data: Any) -> None:
    """Write ``data`` to ``path`` atomically, so a MISP fetching meanwhile never reads half."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as out:
        json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
    os.replace(out.name, path)


def _write_hashes(path: Path, written: dict[str, list[str]]) -> None:
    """Rewrite ``hashes.csv``: lines of events not rewritten kept, then the new ones."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as out:
        if path.exists():
            with path.open(encoding="utf-8") as old:
                for line in old:
                    if line.strip() and line.strip().rpartition(",")[2] not in written:
                        out.write(line if line.endswith("\n") else line + "\n")
        for event_uuid, hashes in written.items():
            out.writelines(f"{digest},{event_uuid}\n" for digest in hashes)
    os.replace(out.name, path)
