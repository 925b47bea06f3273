"""An organisation member's workspace: their brands and lookalike alerts, their breach
notices and the reports their organisation filed.

Everything is read through the owning app's own scoping (``own_brands``,
``visible_notices``) or filtered on the member's organisation, never by id alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from cleannet.server.accounts.models import User
from cleannet.server.brands.access import own_brands
from cleannet.server.brands.models import AlertStatus, Brand, LookalikeAlert
from cleannet.server.breachnotices.access import visible_notices
from cleannet.server.breachnotices.models import BreachNotice
from cleannet.server.reports.models import Report

LATEST_ALERTS = 20
LATEST_NOTICES = 10
LATEST_REPORTS = 10


@dataclass(frozen=True)
class MemberWorkspace:
    brands: list[Brand]
    """Each brand carries ``new_alerts``: its alerts still waiting for a decision."""
    alerts: list[LookalikeAlert]
    notices: list[BreachNotice]
    reports: list[Report]


def member_workspace(user: User) -> MemberWorkspace:
    """Return the newest of what ``user``'s organisation owns or filed."""
    brands = own_brands(user).annotate(
        new_alerts=Count("alerts", filter=Q(alerts__status=AlertStatus.NEW))
    )
    alerts = (
        LookalikeAlert.objects.filter(brand__organisation_id=user.organisation_id)
        .select_related("brand")
        .order_by("-last_seen", "-id")[:LATEST_ALERTS]
    )
    notices = visible_notices(user).order_by("-created_at", "-id")[:LATEST_NOTICES]
    reports = Report.objects.filter(organisation_id=user.organisation_id).order_by(
        "-created_at", "-id"
    )[:LATEST_REPORTS]
    return MemberWorkspace(
        brands=list(brands.order_by("name")),
        alerts=list(alerts),
        notices=list(notices),
        reports=list(reports),
    )
