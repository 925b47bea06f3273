"""``/api/v1/node/…``: what ISP nodes report to the hub — counts, never identities.

An ISP operator's node sends its per-day counts (``POST``); what it sends for a day replaces
all it sent for that day before. Authority staff read every organisation's counts, an ISP
operator only its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.api.auth import roles
from cleannet.server.node.models import NodeDailyCount
from cleannet.server.node.services import DailyCount, replace_daily_counts, visible_daily_counts

router = Router(tags=["node"])

MAX_LIMIT = 1000
_AUTHORITY = tuple(AUTHORITY_ROLES)


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
    counts = visible_daily_counts(_user(request))
    if filters.since:
        counts = counts.filter(day__gte=filters.since)
    if filters.until:
        counts = counts.filter(day__lt=filters.until)
    if filters.organisation:
        counts = counts.filter(organisation__slug=filters.organisation)
    if filters.family is not None:
        counts = counts.filter(family=filters.family.strip())
    return counts[filters.offset : filters.offset + filters.limit]
