"""The triage queue: reports filtered, then grouped by what they are about.

Reports about the same ``group_key`` (URL host, domain or IP) make one row with their
count, the newest report, the soonest due time and how many are overdue; a report
without a group key is a row of its own. ``group_rows`` returns a values query that a
paginator can slice, and ``rows_with_reports`` fetches each row's newest report.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Concat

from cleannet.server.accounts.models import User
from cleannet.server.reports.models import Report, ReportStatus
from cleannet.server.reports.sla import SlaTimer, effective_due, overdue_q, timer_for

ALONE_PREFIX = "#"
"""Row keys of reports without a group key: ``#<id>`` (a group key never starts with #)."""


def filtered_reports(filters: dict[str, Any], user: User, now: dt.datetime) -> QuerySet[Report]:
    """Reports matching the queue's ``filters`` (see ``QueueFilterForm``) for ``user``."""
    reports = Report.objects.all()
    status = filters.get("status", "")
    if status == "":
        reports = reports.exclude(status=ReportStatus.CLOSED)
    elif status != "all":
        reports = reports.filter(status=status)
    if filters.get("kind"):
        reports = reports.filter(kind=filters["kind"])
    if filters.get("who") == "me":
        reports = reports.filter(assigned_to=user)
    elif filters.get("who") == "nobody":
        reports = reports.filter(assigned_to__isnull=True)
    if filters.get("overdue"):
        reports = reports.filter(overdue_q(now))
    if filters.get("q"):
        reports = reports.filter(_search(filters["q"].strip()))
    if filters.get("group"):
        reports = reports.filter(group_key=filters["group"])
    return reports


def _search(text: str) -> Q:
    return (
        Q(tracking_number__iexact=text)
        | Q(group_key__icontains=text.lower())
        | Q(target_url__icontains=text)
        | Q(target_domain__icontains=text.lower())
        | Q(target_ip__startswith=text)
        | Q(title__icontains=text)
    )


def _row_key() -> Case:
    alone = Concat(Value(ALONE_PREFIX), Cast("id", CharField()), output_field=CharField())
    return Case(When(group_key="", then=alone), default=F("group_key"), output_field=CharField())


def group_rows(reports: QuerySet[Report], order: str, now: dt.datetime) -> QuerySet[Any]:
    """One dict per group: ``row_key``, ``count``, ``newest_id``, ``newest_at``, ``due``,
    ``overdue``; newest first, or due soonest first when ``order`` is ``"due"``."""
    rows = (
        reports.annotate(row_key=_row_key(), due=effective_due())
        .order_by()
        .values("row_key")
        .annotate(
            count=Count("id"),
            newest_id=Max("id"),
            newest_at=Max("created_at"),
            soonest_due=Min("due"),
            overdue=Count("id", filter=overdue_q(now)),
        )
    )
    if order == "due":
        return rows.order_by("soonest_due", "-newest_id")
    return rows.order_by("-newest_at", "-newest_id")


@dataclass(frozen=True)
class QueueRow:
    """A row of the queue: the newest report of a group, the group's size and state."""

    report: Report
    timer: SlaTimer
    count: int
    overdue: int
    group_key: str


def rows_with_reports(rows: list[dict[str, Any]], now: dt.datetime) -> list[QueueRow]:
    """Fetch each row's newest report (one query) and its SLA timer."""
    ids = [row["newest_id"] for row in rows]
    reports = Report.objects.select_related("assigned_to").in_bulk(ids)
    result = []
    for row in rows:
        report = reports[row["newest_id"]]
        timer = timer_for(report.kind, report.status, report.created_at, report.due_at, now)
        result.append(
            QueueRow(
                report=report,
                timer=timer,
                count=row["count"],
                overdue=row["overdue"],
                group_key=report.group_key,
            )
        )
    return result


def ordered_reports(reports: QuerySet[Report], order: str) -> QuerySet[Report]:
    """Ungrouped reports (one group expanded), in the same order as the grouped queue."""
    ordered = reports.annotate(due=effective_due()).select_related("assigned_to")
    if order == "due":
        return ordered.order_by("due", "-id")
    return ordered.order_by("-created_at", "-id")


def single_rows(reports: list[Report], now: dt.datetime) -> list[QueueRow]:
    """A row per report, each its own group of one."""
    rows = []
    for report in reports:
        timer = timer_for(report.kind, report.status, report.created_at, report.due_at, now)
        rows.append(QueueRow(report, timer, 1, int(timer.is_overdue), report.group_key))
    return rows
