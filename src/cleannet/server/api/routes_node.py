"""``/api/v1/node/…``: what ISP nodes report to the hub — counts, never identities.

An ISP operator's node sends its per-day counts (``POST``); what it sends for a day replaces
all it sent for that day before. It sends its notice figures the same way, for a window of
days. Authority staff read every organisation's counts, an ISP operator only its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.api.auth import roles
from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount
from cleannet.server.node.notice_counts import (
    CLEAN_BUCKETS,
    NoticeCount,
    replace_notice_counts,
    visible_notice_counts,
)
from cleannet.server.node.services import DailyCount, replace_daily_counts, visible_daily_counts

router = Router(tags=["node"])

MAX_LIMIT = 1000
_AUTHORITY = tuple(AUTHORITY_ROLES)
_Count = TypeVar("_Count", NodeDailyCount, NodeNoticeCount)


class DailyCountIn(Schema):
    day: dt.date = Field(..., description="the UTC day of the records")
    family: str | None = Field(None, description="malware family; null when unknown")
    indicator_kind: str = Field(..., description="ip, cidr, domain, url or event")
    subscribers: int = Field(..., ge=0, description="distinct subscribers")
    records: int = Field(..., ge=0, description="matched log records")


class DailyCountOut(Schema):
    organisation: str
    day: dt.date
    family: str | None
    indicator_kind: str
    subscribers: int
    records: int
    received_at: dt.datetime

    @staticmethod
    def resolve_organisation(obj: NodeDailyCount) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_family(obj: NodeDailyCount) -> str | None:
        return obj.family or None


class StoredOut(Schema):
    stored: int
    days: list[dt.date]


class DailyCountFilters(Schema):
    since: dt.date | None = Field(None, description="days on or after")
    until: dt.date | None = Field(None, description="days before")
    organisation: str | None = Field(None, description="organisation slug")
    family: str | None = None
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _filtered(counts: QuerySet[_Count], filters: DailyCountFilters) -> QuerySet[_Count]:
    """Return the page of ``counts`` (daily or notice counts) that ``filters`` ask for."""
    if filters.since:
        counts = counts.filter(day__gte=filters.since)
    if filters.until:
        counts = counts.filter(day__lt=filters.until)
    if filters.organisation:
        counts = counts.filter(organisation__slug=filters.organisation)
    if filters.family is not None:
        counts = counts.filter(family=filters.family.strip())
    return counts[filters.offset : filters.offset + filters.limit]


@router.post("/node/daily-counts", response=StoredOut, auth=roles(Role.ISP_OPERATOR))
def send_daily_counts(request: HttpRequest, payload: list[DailyCountIn]) -> dict[str, Any]:
    """Store your ISP's counts; they replace what it sent before for the same days.

    At most 10,000 rows; a day, family and kind appears once. 400 names the refused field.
    """
    rows = [DailyCount(**item.dict()) for item in payload]
    days = replace_daily_counts(_user(request), rows)
    return {"stored": len(rows), "days": days}


@router.get(
    "/node/daily-counts",
    response=list[DailyCountOut],
    auth=roles(*_AUTHORITY, Role.ISP_OPERATOR),
)
def list_daily_counts(
    request: HttpRequest, filters: Query[DailyCountFilters]
) -> QuerySet[NodeDailyCount]:
    """List nodes' counts, newest day first: every ISP's for authority staff, else your own."""
    return _filtered(visible_daily_counts(_user(request)), filters)


class NoticeCountIn(Schema):
    day: dt.date = Field(..., description="the UTC day")
    family: str | None = Field(None, description="malware family; null when unknown")
    warned: int = Field(0, ge=0, description="tickets whose first notice was queued that day")
    sent: int = Field(0, ge=0, description="messages sent that day")
    delivered: int = Field(0, ge=0, description="messages delivered that day")
    acknowledged: int = Field(0, ge=0, description="tickets acknowledged that day")
    reinfected: int = Field(0, ge=0, description="tickets found again after cleaning that day")
    time_to_clean: list[int] = Field(
        default_factory=list,
        description="tickets acknowledged that day per bucket of whole days since the "
        "infection began (<1, 1-3, 3-7, 7-14, 14-30, 30+); empty means zeros",
    )


class NoticeCountsIn(Schema):
    since: dt.date = Field(..., description="first day replaced")
    until: dt.date = Field(..., description="last day replaced (included)")
    rows: list[NoticeCountIn]


class NoticeCountOut(Schema):
    organisation: str
    day: dt.date
    family: str | None
    warned: int
    sent: int
    delivered: int
    acknowledged: int
    reinfected: int
    time_to_clean: list[int]
    received_at: dt.datetime

    @staticmethod
    def resolve_organisation(obj: NodeNoticeCount) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_family(obj: NodeNoticeCount) -> str | None:
        return obj.family or None

    @staticmethod
    def resolve_time_to_clean(obj: NodeNoticeCount) -> list[int]:
        return list(obj.time_to_clean) or [0] * len(CLEAN_BUCKETS)  # stored before it was sent


class NoticeStoredOut(Schema):
    stored: int


@router.post("/node/notice-counts", response=NoticeStoredOut, auth=roles(Role.ISP_OPERATOR))
def send_notice_counts(request: HttpRequest, payload: NoticeCountsIn) -> dict[str, Any]:
    """Store your ISP's notice figures; they replace all it sent before for ``since`` to
    ``until``. At most 10,000 rows and 400 days; 400 names the refused field."""
    rows = [
        NoticeCount(**{**item.dict(), "time_to_clean": tuple(item.time_to_clean)})
        for item in payload.rows
    ]
    stored = replace_notice_counts(_user(request), payload.since, payload.until, rows)
    return {"stored": stored}


@router.get(
    "/node/notice-counts",
    response=list[NoticeCountOut],
    auth=roles(*_AUTHORITY, Role.ISP_OPERATOR),
)
def list_notice_counts(
    request: HttpRequest, filters: Query[DailyCountFilters]
) -> QuerySet[NodeNoticeCount]:
    """List nodes' notice figures, newest day first: every ISP's for authority staff, else
    your own."""
    return _filtered(visible_notice_counts(_user(request)), filters)
