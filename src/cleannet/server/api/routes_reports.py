"""``/api/v1/reports``: the analysts' view of the report channel (read only).

Triage itself happens on the pages (``/triage/``); this lets tools follow the queue. The
reporter's contact details are left out: they are for replying, which the pages do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from cleannet.server.accounts.roles import Role
from cleannet.server.api.auth import roles
from cleannet.server.reports.models import Report, ReportKind, ReportStatus
from cleannet.server.reports.sla import overdue_q, timer_for

router = Router(tags=["reports"])

AUTHORITY = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
MAX_LIMIT = 500


class ReportOut(Schema):
    tracking_number: str
    kind: str
    status: str
    title: str
    target_url: str
    target_domain: str
    target_ip: str | None
    group_key: str
    created_at: dt.datetime
    due_at: dt.datetime
    overdue: bool
    assigned_to: str | None
    duplicate_of: str | None
    handled_at: dt.datetime | None
    closed_at: dt.datetime | None


class ReportPage(Schema):
    items: list[ReportOut]
    next_after: int | None


class ReportFilters(Schema):
    kind: str | None = None
    status: str | None = None
    group_key: str | None = None
    overdue: bool = False
    after: int = Field(0, ge=0)
    limit: int = Field(100, ge=1, le=MAX_LIMIT)


def _report_out(report: Report, now: dt.datetime) -> dict[str, Any]:
    timer = timer_for(report.kind, report.status, report.created_at, report.due_at, now)
    return {
        "tracking_number": report.tracking_number,
        "kind": report.kind,
        "status": report.status,
        "title": report.title,
        "target_url": report.target_url,
        "target_domain": report.target_domain,
        "target_ip": report.target_ip,
        "group_key": report.group_key,
        "created_at": report.created_at,
        "due_at": timer.due_at,
        "overdue": timer.is_overdue,
        "assigned_to": report.assigned_to.get_username() if report.assigned_to else None,
        "duplicate_of": report.duplicate_of.tracking_number if report.duplicate_of else None,
        "handled_at": report.handled_at,
        "closed_at": report.closed_at,
    }


def _choice(value: str, field: str, allowed: list[str]) -> str:
    if value not in allowed:
        raise ValidationError({field: f"must be one of {', '.join(allowed)}"})
    return value


@router.get("/reports", response=ReportPage, auth=roles(*AUTHORITY))
def list_reports(request: HttpRequest, filters: Query[ReportFilters]) -> dict[str, Any]:
    """Reports in the order they were received, ``limit`` at a time; pass ``next_after``
    back as ``after`` for the next page (null on the last). 400 names a bad filter."""
    now = timezone.now()
    reports = Report.objects.select_related("assigned_to", "duplicate_of")
    if filters.kind:
        reports = reports.filter(kind=_choice(filters.kind, "kind", ReportKind.values))
    if filters.status:
        reports = reports.filter(status=_choice(filters.status, "status", ReportStatus.values))
    if filters.group_key:
        reports = reports.filter(group_key=filters.group_key.strip().lower())
    if filters.overdue:
        reports = reports.filter(overdue_q(now))
    items = list(reports.filter(id__gt=filters.after).order_by("id")[: filters.limit])
    more = len(items) == filters.limit
    return {
        "items": [_report_out(report, now) for report in items],
        "next_after": items[-1].id if items and more else None,
    }


@router.get("/reports/{tracking_number}", response=ReportOut, auth=roles(*AUTHORITY))
def get_report(request: HttpRequest, tracking_number: str) -> dict[str, Any]:
    """One report by its tracking number; 404 when there is none."""
    found = Report.objects.select_related("assigned_to", "duplicate_of")
    report = get_object_or_404(found, tracking_number=tracking_number.upper())
    return _report_out(report, timezone.now())
