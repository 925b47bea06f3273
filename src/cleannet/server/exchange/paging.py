"""Pages of a collection's objects, merged from its sources and resumable where they stopped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import heapq
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from cleannet.server.exchange.entries import Entry, Source
from cleannet.server.exchange.stix import STIX_MEDIA_TYPE, StixObject, stix_time
from cleannet.server.exchange.taxii_query import Cursor, ObjectQuery, parse_stix_time


@dataclass(frozen=True)
class Item:
    """An object as the collection holds it, with the time it was added."""

    obj: StixObject
    date_added: dt.datetime

    @property
    def version(self) -> dt.datetime:
        """TAXII's version: ``modified``, else ``created``, else ``date_added`` (SCOs)."""
        stamp = self.obj.get("modified") or self.obj.get("created")
        return parse_stix_time(stamp, "version") if stamp else self.date_added

    def manifest_record(self) -> dict[str, str]:
        return {
            "id": self.obj["id"],
            "date_added": stix_time(self.date_added),
            "version": stix_time(self.version),
            "media_type": STIX_MEDIA_TYPE,
        }


@dataclass(frozen=True)
class Page:
    """One page of objects; ``next`` is the token of the following page when ``more``."""

    items: list[Item]
    more: bool
    next: str | None

    def date_added_headers(self) -> dict[str, str]:
        """Return TAXII's X-TAXII-Date-Added-First/Last headers of this page (none if empty)."""
        if not self.items:
            return {}
        return {
            "X-TAXII-Date-Added-First": stix_time(self.items[0].date_added),
            "X-TAXII-Date-Added-Last": stix_time(self.items[-1].date_added),
        }


def _entries(sources: Sequence[Source], query: ObjectQuery) -> Iterator[Entry]:
    wanted = [s for s in sources if query.types is None or s.types & query.types]
    start = query.next.position if query.next else None
    streams = [source.entries(start, query.added_after) for source in wanted]
    return heapq.merge(*streams, key=lambda entry: entry.position)


def read_page(sources: Sequence[Source], query: ObjectQuery) -> Page:
    """Return the objects matching ``query``, at most ``query.limit``, from where ``next`` left.

    The cursor names an entry and the index of an object within it, so a page may end in
    the middle of an event's objects and the next page resumes at the following one: a
    client that follows ``next`` gets every object exactly once.
    """
    items: list[Item] = []
    for entry in _entries(sources, query):
        skip = query.next.index if query.next and entry.position == query.next.position else 0
        for index, obj in enumerate(entry.objects):
            if index < skip:
                continue
            item = Item(obj, entry.position.date_added)
            if not query.matches(obj, item.version):
                continue
            if len(items) == query.limit:
                return Page(items, more=True, next=Cursor(entry.position, index).encode())
            items.append(item)
    return Page(items, more=False, next=None)


def read_object(sources: Sequence[Source], query: ObjectQuery, object_id: str) -> Page:
    """Return the page of the versions of one object (``query`` with ``match[id]`` set).

    The id's type prefix narrows the search to the sources that make that type.
    """
    object_type = object_id.partition("--")[0]
    types = frozenset({object_type}) & (query.types or frozenset({object_type}))
    narrowed = dataclasses.replace(query, ids=frozenset({object_id}), types=types)
    return read_page(sources, narrowed)
