"""``/api/v1/campaigns…``: cleanup campaigns, their progress and daily snapshots.

Authority staff see every campaign and create drafts; only an authority administrator
launches one. An ISP operator sees the launched campaigns its ISP takes part in, answers the
invitation, records its actions, and reads the national figures with only its own ISP's line
and snapshot rows. A campaign you may not see is "not found" (404), never "forbidden".
Organisation members and visitors read campaigns on the public site only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.api.auth import roles
from cleannet.server.campaigns import services
from cleannet.server.campaigns.access import participant_for, visible_campaigns
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignAction,
    CampaignSnapshot,
    Participant,
)
from cleannet.server.campaigns.progress import CampaignProgress, campaign_progress

router = Router(tags=["campaigns"])

MAX_LIMIT = 1000
COMBINED = "*"
"""The ``family`` filter value of the rows that count the campaign's families together."""
_AUTHORITY = tuple(AUTHORITY_ROLES)
_READERS = (*_AUTHORITY, Role.ISP_OPERATOR)
_T = TypeVar("_T")


def _user(request: HttpRequest) -> User:
    user: User = request.auth  # type: ignore[attr-defined]
    return user


def _campaign(request: HttpRequest, slug: str) -> Campaign:
    """The campaign ``slug`` if the caller may see it; 404 otherwise."""
    return get_object_or_404(visible_campaigns(_user(request)), slug=slug)


def _participant(request: HttpRequest, slug: str) -> Participant:
    """The caller's ISP's participation in campaign ``slug``; 404 when there is none."""
    participant = participant_for(_user(request), _campaign(request, slug))
    if participant is None:
        raise HttpError(404, "Not found.")
    return participant


def _calling(service: Callable[..., _T], *args: Any, **kwargs: Any) -> _T:
    """Call a campaign service; its ``PermissionDenied`` answers 403 (roles are checked by
    ``auth=`` first, so this is another ISP's participation, not a server error)."""
    try:
        return service(*args, **kwargs)
    except PermissionDenied as refused:
        raise HttpError(403, str(refused) or "Forbidden.") from refused


# --- Schemas ---------------------------------------------------------------------------


class CampaignOut(Schema):
    slug: str
    name: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    goal_reduction: int
    baseline_days: int
    public: bool
    families: list[str]
    classification_types: list[str]
    summary_vi: str
    summary_en: str
    launched_at: dt.datetime | None
    closed_at: dt.datetime | None
    measured_through: dt.date | None

    @staticmethod
    def resolve_families(obj: Campaign) -> list[str]:
        return sorted(family.slug for family in obj.families.all())


class ParticipantOut(Schema):
    organisation: str
    name: str
    status: str
    goal: int | None = Field(None, description="the ISP's goal (%); null for other ISPs")
    responded_at: dt.datetime | None = None
    note: str = ""


class CampaignDetailOut(CampaignOut):
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_participants(obj: Campaign, context: dict[str, Any]) -> list[dict[str, Any]]:
        return _participants_for(context["request"].auth, obj)


class CampaignIn(Schema):
    name: str
    slug: str
    starts_on: dt.date
    ends_on: dt.date
    families: list[str] = Field(default_factory=list, description="malware family slugs")
    classification_types: list[str] = Field(default_factory=list, description="RSIT types")
    participants: list[str] = Field(..., description="slugs of the ISPs invited")
    goal_reduction: int = 50
    baseline_days: int = 7
    summary_vi: str = ""
    summary_en: str = ""
    public: bool = True


class ResponseIn(Schema):
    accept: bool
    note: str = ""
    goal_reduction: int | None = Field(None, description="your own goal (%); null: the campaign's")


class ActionIn(Schema):
    kind: str
    taken_on: dt.date
    count: int | None = None
    description: str = ""


class ActionOut(Schema):
    id: int
    kind: str
    taken_on: dt.date
    count: int | None
    description: str
    recorded_at: dt.datetime


class FiguresOut(Schema):
    addresses: int
    addresses_window: int
    events: int
    subscribers: int
    warned: int
    sent: int
    delivered: int
    acknowledged: int
    reinfected: int


class DayFiguresOut(FiguresOut):
    day: dt.date


class IspLineOut(Schema):
    organisation: str
    name: str
    status: str
    goal: int
    baseline: int
    current: int
    reduction: float | None
    target: int
    on_track: bool | None
    days: list[DayFiguresOut]
    totals: FiguresOut
    time_to_clean: list[int]
    actions: int

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.slug)


class FamilyLineOut(Schema):
    slug: str
    name: str
    baseline: int
    current: int
    reduction: float | None
    days: list[DayFiguresOut]


class ProgressOut(Schema):
    since: dt.date
    until: dt.date
    through: dt.date | None
    elapsed: float
    baseline: int
    current: int
    reduction: float | None
    goal: int
    target: int
    on_track: bool | None
    days: list[DayFiguresOut]
    isps: list[IspLineOut]
    families: list[FamilyLineOut]
    totals: FiguresOut
    time_to_clean: list[int]


class Period(Schema):
    since: dt.date | None = Field(None, description="first day (default: the start)")
    until: dt.date | None = Field(None, description="last day, included (default: the end)")


class SnapshotFilters(Period):
    organisation: str | None = Field(None, description="ISP slug")
    family: str | None = Field(None, description=f"family slug; {COMBINED!r}: all together")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class SnapshotOut(FiguresOut):
    organisation: str
    day: dt.date
    family: str | None = Field(..., description="null: the campaign's families together")
    time_to_clean: list[int]

    @staticmethod
    def resolve_organisation(obj: CampaignSnapshot) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_family(obj: CampaignSnapshot) -> str | None:
        return obj.family or None


class SnapshotPage(Schema):
    count: int
    items: list[SnapshotOut]


# --- Reading ---------------------------------------------------------------------------


def _participant_row(user: User, participant: Participant) -> dict[str, Any]:
    """A participant as ``user`` may see it: another ISP's operator sees its status only
    (as the public does)."""
    own = user.is_authority or participant.organisation_id == user.organisation_id
    return {
        "organisation": participant.organisation.slug,
        "name": participant.organisation.name,
        "status": participant.status,
        "goal": participant.goal if own else None,
        "responded_at": participant.responded_at if own else None,
        "note": participant.note if own else "",
    }


def _participants_for(user: User, campaign: Campaign) -> list[dict[str, Any]]:
    participants = campaign.participants.select_related("organisation", "campaign")
    return [_participant_row(user, participant) for participant in participants]


def _check_period(since: dt.date | None, until: dt.date | None) -> None:
    if since and until and since > until:
        raise ValidationError({"since": f"{since} is after {until}."})


@router.get("/campaigns", response=list[CampaignOut], auth=roles(*_READERS))
def list_campaigns(request: HttpRequest) -> QuerySet[Campaign]:
    """The campaigns you may see, newest start first: all for authority staff; for an ISP
    operator the launched campaigns its ISP takes part in."""
    return visible_campaigns(_user(request)).prefetch_related("families")


@router.get("/campaigns/{slug}", response=CampaignDetailOut, auth=roles(*_READERS))
def get_campaign(request: HttpRequest, slug: str) -> Campaign:
    """One campaign with its participating ISPs (404 when it is not yours to see)."""
    return _campaign(request, slug)


@router.get("/campaigns/{slug}/progress", response=ProgressOut, auth=roles(*_READERS))
def get_progress(request: HttpRequest, slug: str, period: Query[Period]) -> CampaignProgress:
    """National progress against the baseline and the goal, per family and per ISP; an ISP
    operator gets the national figures and only its own ISP's line."""
    _check_period(period.since, period.until)
    campaign, user = _campaign(request, slug), _user(request)
    progress = campaign_progress(campaign, since=period.since, until=period.until)
    if user.is_authority:
        return progress
    own = [isp for isp in progress.isps if isp.organisation_id == user.organisation_id]
    return dataclasses.replace(progress, isps=own)


@router.get("/campaigns/{slug}/snapshots", response=SnapshotPage, auth=roles(*_READERS))
def list_snapshots(
    request: HttpRequest, slug: str, filters: Query[SnapshotFilters]
) -> dict[str, Any]:
    """Daily snapshot rows by day, ISP and family; ``count`` is the total before paging. An
    ISP operator gets its own ISP's rows only."""
    _check_period(filters.since, filters.until)
    campaign, user = _campaign(request, slug), _user(request)
    rows = campaign.snapshots.select_related("organisation").order_by(
        "day", "organisation__slug", "family"
    )
    if not user.is_authority:
        rows = rows.filter(organisation_id=user.organisation_id)
    if filters.organisation:
        rows = rows.filter(organisation__slug=filters.organisation)
    if filters.family:
        rows = rows.filter(family=ALL_FAMILIES if filters.family == COMBINED else filters.family)
    if filters.since:
        rows = rows.filter(day__gte=filters.since)
    if filters.until:
        rows = rows.filter(day__lte=filters.until)
    items = list(rows[filters.offset : filters.offset + filters.limit])
    return {"count": rows.count(), "items": items}


# --- Changing --------------------------------------------------------------------------


@router.post("/campaigns", response={201: CampaignDetailOut}, auth=roles(*_AUTHORITY))
def create_campaign(request: HttpRequest, payload: CampaignIn) -> Campaign:
    """Create a draft inviting ``participants``; 400 names the refused field."""
    return _calling(services.create_campaign, _user(request), **payload.dict())


@router.post(
    "/campaigns/{slug}/launch", response=CampaignDetailOut, auth=roles(Role.AUTHORITY_ADMIN)
)
def launch_campaign(request: HttpRequest, slug: str) -> Campaign:
    """Launch a draft: the ISPs get it as a task; 400 names ``status`` or ``ends_on``."""
    return _calling(services.launch_campaign, _user(request), _campaign(request, slug))


@router.post("/campaigns/{slug}/response", response=ParticipantOut, auth=roles(Role.ISP_OPERATOR))
def respond(request: HttpRequest, slug: str, payload: ResponseIn) -> dict[str, Any]:
    """Accept or decline the campaign for your ISP (with your own goal, if any)."""
    user = _user(request)
    participant = _calling(
        services.respond_to_campaign, user, _participant(request, slug), **payload.dict()
    )
    return _participant_row(user, participant)


@router.post("/campaigns/{slug}/actions", response={201: ActionOut}, auth=roles(Role.ISP_OPERATOR))
def record_action(request: HttpRequest, slug: str, payload: ActionIn) -> CampaignAction:
    """Record what your ISP did for an accepted, active campaign; 400 names the field."""
    return _calling(
        services.record_action, _user(request), _participant(request, slug), **payload.dict()
    )
