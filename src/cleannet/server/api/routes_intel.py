"""``/api/v1/intel/…``: malware families, events, indicators, feeds and their runs.

Event fields are named as in IntelMQ's data format (``time.source``, ``source.ip``).
Authority staff see every event; ISP operators and organisation members see only the
events attributed to their organisation, and another organisation's event is "not
found" to them, so that its existence does not leak.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators import IndicatorKind
from cleannet.core.taxonomy import classify
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.api.auth import ANY_ROLE, roles
from cleannet.server.intel.models import Event, Feed, FeedRun, Indicator, MalwareFamily, Tlp
from cleannet.server.intel.services import resolve_family
from cleannet.server.networks.services import parse_address, parse_time

router = Router(tags=["intel"])

MAX_LIMIT = 1000
_AUTHORITY = tuple(AUTHORITY_ROLES)


class FamilyOut(Schema):
    name: str
    slug: str
    kind: str
    platforms: list[str]
    aliases: list[str]
    description_vi: str
    description_en: str
    reference_url: str

    @staticmethod
    def resolve_aliases(obj: MalwareFamily) -> list[str]:
        return [alias.alias for alias in obj.aliases.all()]


def _dotted(name: str, default: Any = None) -> Any:
    """Return a field written out under its IntelMQ name (``by_alias=True`` operations)."""
    return Field(default, serialization_alias=name)


class EventOut(Schema):
    id: int
    event_hash: str
    time_source: dt.datetime = _dotted("time.source", ...)
    time_observation: dt.datetime | None = _dotted("time.observation")
    feed_name: str | None = _dotted("feed.name")
    classification_taxonomy: str = _dotted("classification.taxonomy", ...)
    classification_type: str = _dotted("classification.type", ...)
    classification_identifier: str = _dotted("classification.identifier", ...)
    malware_name: str | None = _dotted("malware.name")
    source_ip: str | None = _dotted("source.ip")
    source_port: int | None = _dotted("source.port")
    source_asn: int | None = _dotted("source.asn")
    source_network: str | None = _dotted("source.network")
    source_fqdn: str = _dotted("source.fqdn", ...)
    source_url: str = _dotted("source.url", ...)
    destination_ip: str | None = _dotted("destination.ip")
    destination_port: int | None = _dotted("destination.port")
    tlp: str
    owner: str | None = None
    family: str | None = None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_feed_name(obj: Event) -> str | None:
        return obj.feed.name if obj.feed else obj.data.get("feed.name")

    @staticmethod
    def resolve_malware_name(obj: Event) -> str | None:
        return obj.data.get("malware.name") or (obj.family.name if obj.family else None)

    @staticmethod
    def resolve_source_network(obj: Event) -> str | None:
        return obj.prefix.cidr if obj.prefix else None

    @staticmethod
    def resolve_owner(obj: Event) -> str | None:
        return obj.owner.slug if obj.owner else None

    @staticmethod
    def resolve_family(obj: Event) -> str | None:
        return obj.family.slug if obj.family else None


class EventDetailOut(EventOut):
    data: dict[str, Any]


class EventPage(Schema):
    items: list[EventOut]
    next_after: int | None


class EventFilters(Schema):
    since: str | None = Field(None, description="time.source at or after (ISO 8601, UTC)")
    until: str | None = Field(None, description="time.source before (ISO 8601, UTC)")
    classification_type: str | None = None
    family: str | None = Field(None, description="a family's name, slug or alias")
    source_ip: str | None = None
    owner: str | None = Field(None, description="organisation slug (authority staff only)")
    after: int = Field(0, ge=0, description="cursor: the next_after of the previous page")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class IndicatorOut(Schema):
    id: int
    kind: str
    value: str
    family: str | None = None
    first_seen: dt.datetime
    last_seen: dt.datetime
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    tlp: str
    confidence: int

    @staticmethod
    def resolve_family(obj: Indicator) -> str | None:
        return obj.family.slug if obj.family else None


class IndicatorPage(Schema):
    items: list[IndicatorOut]
    next_after: int | None


class IndicatorFilters(Schema):
    kind: str | None = None
    family: str | None = Field(None, description="a family's name, slug or alias")
    since: str | None = Field(None, description="last seen at or after (ISO 8601, UTC)")
    after: int = Field(0, ge=0, description="cursor: the next_after of the previous page")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


class FeedOut(Schema):
    name: str
    provider: str
    format: str
    url: str
    schedule: str
    tlp: str
    accuracy: int
    default_classification_type: str
    enabled: bool


class FeedRunOut(Schema):
    id: int
    started_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    read: int
    accepted: int
    rejected: int
    duplicates: int
    error: str


class RunPage(Schema):
    limit: int = Field(50, ge=1, le=MAX_LIMIT)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _family(value: str) -> MalwareFamily:
    found = resolve_family(value)
    if found is None:
        raise ValidationError({"family": f"No malware family is called {value!r}."})
    return found


def _classification_type(value: str) -> str:
    try:
        return classify(value).type
    except InvalidValue as error:
        raise ValidationError({"classification_type": error.reason}) from None


@router.get("/intel/families", response=list[FamilyOut], auth=roles(*ANY_ROLE))
def list_families(request: HttpRequest) -> QuerySet[MalwareFamily]:
    """List malware families with their aliases (folded), by name."""
    return MalwareFamily.objects.prefetch_related("aliases")


def _visible_events(user: User) -> QuerySet[Event]:
    events = Event.objects.select_related("feed", "family", "owner", "prefix")
    if user.is_authority:
        return events
    return events.filter(owner=user.organisation)


def _filtered_events(events: QuerySet[Event], f: EventFilters) -> QuerySet[Event]:
    if f.since:
        events = events.filter(time_source__gte=parse_time(f.since, "since"))
    if f.until:
        events = events.filter(time_source__lt=parse_time(f.until, "until"))
    if f.classification_type:
        events = events.filter(classification_type=_classification_type(f.classification_type))
    if f.family:
        events = events.filter(family=_family(f.family))
    if f.source_ip:
        events = events.filter(source_ip=str(parse_address(f.source_ip, "source_ip")))
    if f.owner:
        events = events.filter(owner__slug=f.owner)
    return events


@router.get("/intel/events", response=EventPage, by_alias=True, auth=roles(*ANY_ROLE))
def list_events(request: HttpRequest, filters: Query[EventFilters]) -> dict[str, Any]:
    """List events in the order they were recorded, ``limit`` (at most 1000) at a time.

    Pass ``next_after`` back as ``after`` for the next page; it is null on the last page.
    """
    events = _filtered_events(_visible_events(_user(request)), filters)
    items = list(events.filter(id__gt=filters.after).order_by("id")[: filters.limit])
    more = len(items) == filters.limit
    return {"items": items, "next_after": items[-1].id if items and more else None}


@router.get(
    "/intel/events/{event_id}", response=EventDetailOut, by_alias=True, auth=roles(*ANY_ROLE)
)
def get_event(request: HttpRequest, event_id: int) -> Event:
    """One event with its full IntelMQ record in ``data``; another organisation's is 404."""
    return get_object_or_404(_visible_events(_user(request)), pk=event_id)


def _kind(value: str) -> str:
    try:
        return IndicatorKind(value).value
    except ValueError:
        known = ", ".join(IndicatorKind)
        raise ValidationError({"kind": f"{value!r} is not one of {known}."}) from None


@router.get("/intel/indicators", response=IndicatorPage, auth=roles(*_AUTHORITY, Role.ISP_OPERATOR))
def list_indicators(request: HttpRequest, filters: Query[IndicatorFilters]) -> dict[str, Any]:
    """List indicators in the order they were first recorded, ``limit`` at a time.

    ISP operators do not get TLP:RED indicators (those are for named recipients only).
    """
    indicators = Indicator.objects.select_related("family")
    if not _user(request).is_authority:
        indicators = indicators.exclude(tlp=Tlp.RED)
    if filters.kind:
        indicators = indicators.filter(kind=_kind(filters.kind))
    if filters.family:
        indicators = indicators.filter(family=_family(filters.family))
    if filters.since:
        indicators = indicators.filter(last_seen__gte=parse_time(filters.since, "since"))
    items = list(indicators.filter(id__gt=filters.after).order_by("id")[: filters.limit])
    more = len(items) == filters.limit
    return {"items": items, "next_after": items[-1].id if items and more else None}


@router.get("/intel/feeds", response=list[FeedOut], auth=roles(*_AUTHORITY))
def list_feeds(request: HttpRequest) -> QuerySet[Feed]:
    """List the declared feeds, by name."""
    return Feed.objects.all()


@router.get("/intel/feeds/{name}/runs", response=list[FeedRunOut], auth=roles(*_AUTHORITY))
def list_feed_runs(request: HttpRequest, name: str, page: Query[RunPage]) -> QuerySet[FeedRun]:
    """The latest runs of a feed, newest first; an unknown feed is 404."""
    feed = get_object_or_404(Feed, name=name)
    return feed.runs.all()[: page.limit]
