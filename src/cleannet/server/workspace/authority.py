"""Authority staff's workspace: the queues they work through, each with how much waits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cleannet.server.accounts.models import User
from cleannet.server.brands.models import AlertStatus, LookalikeAlert
from cleannet.server.breachnotices.access import visible_notices
from cleannet.server.breachnotices.models import Status as NoticeStatus
from cleannet.server.reports.models import Report
from cleannet.server.reports.sla import OPEN_STATUSES, overdue_q
from cleannet.server.scanhub.models import ScanReportUpload

SCAN_REPORT_DAYS = 7


@dataclass(frozen=True)
class AuthorityWorkspace:
    reports_open: int
    reports_overdue: int
    alerts_new: int
    notices_waiting: int
    """Filed notices the authority has not acknowledged yet."""
    scan_reports_recent: int
    scan_report_days: int


def authority_workspace(user: User, now: dt.datetime | None = None) -> AuthorityWorkspace:
    """Return how much waits in each queue ``user`` works on."""
    now = now or timezone.now()
    # Reports still waiting for an analyst's decision; their SLA clock runs until then.
    reports = Report.objects.filter(status__in=OPEN_STATUSES)
    waiting = visible_notices(user).filter(status=NoticeStatus.FILED)
    since = now - dt.timedelta(days=SCAN_REPORT_DAYS)
    return AuthorityWorkspace(
        reports_open=reports.count(),
        reports_overdue=Report.objects.filter(overdue_q(now)).count(),
        alerts_new=LookalikeAlert.objects.filter(status=AlertStatus.NEW).count(),
        notices_waiting=waiting.count(),
        scan_reports_recent=ScanReportUpload.objects.filter(received_at__gte=since).count(),
        scan_report_days=SCAN_REPORT_DAYS,
    )
