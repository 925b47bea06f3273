"""Authority staff's workspace: the queues they work through, each with how much waits."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from cleannet.server.accounts.models import User
from cleannet.server.brands.models import AlertStatus, LookalikeAlert
from cleannet.server.breachnotices.access import visible_notices
from cleannet.server.breachnotices.models import Status as NoticeStatus
from cleannet.server.campaigns.models import Campaign, CampaignStatus
from cleannet.server.campaigns.progress import campaign_progress
from cleannet.server.reports.models import Report
from cleannet.server.reports.sla import OPEN_STATUSES, overdue_q
from cleannet.server.scanhub.models import ScanReportUpload

SCAN_REPORT_DAYS = 7
CAMPAIGNS_PAGE = "/workspace/campaigns/"
"""The authority's list of campaigns (``campaigns.urls``); each campaign's page is below it."""


@dataclass(frozen=True)
class CampaignProgressLine:
    """An active campaign's national reduction against its goal."""

    campaign: Campaign
    url: str
    reduction: float | None
    goal: int
    on_track: bool | None


@dataclass(frozen=True)
class AuthorityWorkspace:
    reports_open: int
    reports_overdue: int
    alerts_new: int
    notices_waiting: int
    """Filed notices the authority has not acknowledged yet."""
    scan_reports_recent: int
    scan_report_days: int
    campaigns_active: list[CampaignProgressLine]
    campaign_drafts: int
    campaigns_url: str


def active_campaigns() -> list[CampaignProgressLine]:
    """Return every active campaign, ending soonest first, with its national reduction."""
    lines = []
    campaigns = Campaign.objects.filter(status=CampaignStatus.ACTIVE).order_by("ends_on", "name")
    for campaign in campaigns:
        progress = campaign_progress(campaign)
        url = f"{CAMPAIGNS_PAGE}{campaign.slug}/"
        lines.append(
            CampaignProgressLine(
                campaign, url, progress.reduction, progress.goal, progress.on_track
            )
        )
    return lines


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
        campaigns_active=active_campaigns(),
        campaign_drafts=Campaign.objects.filter(status=CampaignStatus.DRAFT).count(),
        campaigns_url=CAMPAIGNS_PAGE,
    )
