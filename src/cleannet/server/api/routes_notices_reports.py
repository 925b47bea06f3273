"""``/api/v1/notices/reports…``: the reports sent to network owners, and their files.

Authority staff see every organisation's reports; ISP operators and organisation members
see their own organisation's, and another organisation's report is "not found" to them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from cleannet.server.accounts.models import User
from cleannet.server.api.auth import ANY_ROLE, roles
from cleannet.server.notices.models import OwnerReport
from cleannet.server.notices.owner_report_files import report_download
from cleannet.server.notices.owner_reports import visible_reports

router = Router(tags=["notices"])

MAX_LIMIT = 500


class OwnerReportOut(Schema):
    number: str
    organisation: str
    format: str
    created_at: dt.datetime
    first_event_at: dt.datetime
    last_event_at: dt.datetime
    event_count: int
    by_type: list[tuple[str, int]]
    by_family: list[tuple[str, int]]

    @staticmethod
    def resolve_organisation(obj: OwnerReport) -> str:
        return obj.organisation.slug

    @staticmethod
    def resolve_by_type(obj: OwnerReport) -> list[Any]:
        return list(obj.summary.get("by_type", []))

    @staticmethod
    def resolve_by_family(obj: OwnerReport) -> list[Any]:
        return list(obj.summary.get("by_family", []))


class OwnerReportPage(Schema):
    count: int
    items: list[OwnerReportOut]


class ReportFilters(Schema):
    organisation: str | None = Field(None, description="organisation slug (authority staff)")
    limit: int = Field(100, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _reports(request: HttpRequest) -> QuerySet[OwnerReport]:
    user: User = request.auth  # type: ignore[attr-defined]
    return visible_reports(user)


@router.get("/notices/reports", response=OwnerReportPage, auth=roles(*ANY_ROLE))
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """The reports you may see, newest first; ``count`` is the total before paging."""
    reports = _reports(request)
    if filters.organisation:
        reports = reports.filter(organisation__slug=filters.organisation)
    items = list(reports[filters.offset : filters.offset + filters.limit])
    return {"count": reports.count(), "items": items}


@router.get("/notices/reports/{number}", response=OwnerReportOut, auth=roles(*ANY_ROLE))
def get_report(request: HttpRequest, number: str) -> OwnerReport:
    """One report by its ticket number (404 when it is not yours to see)."""
    return get_object_or_404(_reports(request), number=number)


@router.get("/notices/reports/{number}/download", auth=roles(*ANY_ROLE))
def download_report(request: HttpRequest, number: str, format: str = "csv") -> HttpResponse:
    """The report's events as ``csv``, ``json`` (IntelMQ fields) or ``stix`` (a 2.1 bundle);
    400 naming ``format`` for another value."""
    report = get_object_or_404(_reports(request), number=number)
    data, content_type, filename = report_download(report, format)
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
