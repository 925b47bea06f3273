"""An ISP operator's workspace: their organisation's recent events, their node's counts,
the warning tickets and their delivery, the owner reports sent to them and their campaign
tasks (invitations to answer, accepted campaigns with their own reduction).

Reads only; every figure is scoped to the operator's own organisation (``Event.owner``,
the hub's ``NodeDailyCount`` and ``NodeNoticeCount`` rows, owner reports), so nothing of
another ISP can appear (campaign progress is computed over the operator's organisation
alone). Tickets are the node's own (``notices.tracking``), shown without any subscriber's
identifier or contact.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cleannet.server.accounts.models import User
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.campaigns.progress import campaign_progress
from cleannet.server.intel.models import Event
from cleannet.server.node.models import NodeDailyCount, NodeNoticeCount
from cleannet.server.node.notice_counts import visible_notice_counts
from cleannet.server.node.services import visible_daily_counts
from cleannet.server.notices.tracking import ChannelDelivery, Tracking, tracking_for

RECENT_DAYS = 30
TABLE_DAYS = 14
TOP_FAMILIES = 5
LATEST_EVENTS = 20
NODE_ROWS = 60
OTHER = ""
"""The column of events without a family or of a family outside the top ones."""
CAMPAIGN_PAGE = "/workspace/campaigns/{slug}/"
"""The operator's page of one campaign (``campaigns.urls``)."""
DELIVERY_COLOURS = ("#56606b", "#1f4e79", "#2e7d32", "#b03a2e")
"""Pending, sent, delivered, failed: each at least 3:1 against white (WCAG 1.4.11)."""


@dataclass(frozen=True)
class FamilyDayRow:
    day: dt.date
    counts: list[int]
    total: int


@dataclass(frozen=True)
class FamilyDayTable:
    """Events per UTC day (newest first) and family; ``columns`` are family names, and
    ``OTHER`` (the empty string) stands for the rest."""

    columns: list[str]
    rows: list[FamilyDayRow]


@dataclass(frozen=True)
class CampaignTask:
    """A campaign the operator's organisation takes part in, with its own figures only."""

    campaign: Campaign
    url: str
    goal: int
    reduction: float | None
    on_track: bool | None


@dataclass(frozen=True)
class CampaignTasks:
    invited: list[CampaignTask]
    """Active campaigns waiting for the organisation's answer."""
    accepted: list[CampaignTask]
    """Active campaigns it accepted, each with its own reduction against its own goal."""


@dataclass(frozen=True)
class IspWorkspace:
    days: int
    since: dt.datetime
    events: int
    family_totals: list[tuple[str, int]]
    table: FamilyDayTable
    latest: list[Event]
    node_counts: list[NodeDailyCount]
    tracking: Tracking
    delivery_bars: list[tuple[ChannelDelivery, SafeString]]
    notice_counts: list[NodeNoticeCount]
    campaigns: CampaignTasks


def _counts_by_day_and_family(
    organisation_id: int, start: dt.datetime, end: dt.datetime
) -> dict[tuple[dt.date, str], int]:
    rows = (
        Event.objects.filter(owner_id=organisation_id, time_source__gte=start, time_source__lt=end)
        .annotate(day=TruncDate("time_source", tzinfo=dt.UTC))
        .values("day", "family__name")
        .annotate(n=Count("id"))
    )
    return {(row["day"], row["family__name"] or OTHER): row["n"] for row in rows}


def _family_totals(counts: dict[tuple[dt.date, str], int]) -> list[tuple[str, int]]:
    totals: Counter[str] = Counter()
    for (_day, family), n in counts.items():
        totals[family] += n
    return sorted(totals.items(), key=lambda item: (-item[1], item[0] == OTHER, item[0]))


def _table(counts: dict[tuple[dt.date, str], int], end: dt.datetime) -> FamilyDayTable:
    """The last ``TABLE_DAYS`` days, zero-filled, with the top families as columns."""
    last = end.astimezone(dt.UTC).date()
    days = [last - dt.timedelta(days=i) for i in range(TABLE_DAYS)]
    shown = set(days)
    in_window: Counter[str] = Counter()
    per_day: dict[dt.date, Counter[str]] = defaultdict(Counter)
    for (day, family), n in counts.items():
        if day in shown:
            in_window[family] += n
            per_day[day][family] += n
    top = [f for f, _n in in_window.most_common() if f != OTHER][:TOP_FAMILIES]
    has_other = any(f not in top for f in in_window)
    columns = top + ([OTHER] if has_other else [])
    rows = []
    for day in days:
        day_counts = per_day.get(day, Counter())
        values = [day_counts[f] for f in top]
        if has_other:
            values.append(sum(n for f, n in day_counts.items() if f not in top))
        rows.append(FamilyDayRow(day, values, sum(day_counts.values())))
    return FamilyDayTable(columns, rows)


def delivery_bar(delivery: ChannelDelivery) -> SafeString:
    """Return one stacked horizontal bar (inline SVG) of a channel's delivery states; the
    page's table carries the same figures, so nothing is said by colour alone."""
    parts = [
        (_("Pending"), delivery.pending),
        (_("Sent"), delivery.sent),
        (_("Delivered"), delivery.delivered),
        (_("Failed"), delivery.failed),
    ]
    total = delivery.total or 1
    pieces, x = [], 0.0
    for (name, n), colour in zip(parts, DELIVERY_COLOURS, strict=True):
        width = 100.0 * n / total
        if n:
            pieces.append((f"{x:.2f}", f"{width:.2f}", colour, delivery.label, name, n))
        x += width
    rects = format_html_join(
        "",
        '<rect x="{}" y="0" width="{}" height="4" style="fill:{};opacity:1">'
        "<title>{} · {}: {}</title></rect>",
        pieces,
    )
    return format_html(
        '<svg class="delivery-bar" viewBox="0 0 100 4" preserveAspectRatio="none" role="img" '
        'aria-label="{}" style="width:100%;height:1rem;background:#eef0f2">{}</svg>',
        delivery.label,
        rects,
    )


def isp_workspace(user: User, now: dt.datetime | None = None) -> IspWorkspace:
    """Return what ``user``'s organisation has seen in the last ``RECENT_DAYS`` days."""
    end = now or timezone.now()
    start = end - dt.timedelta(days=RECENT_DAYS)
    counts = _counts_by_day_and_family(user.organisation_id, start, end)
    latest = (
        Event.objects.filter(owner_id=user.organisation_id)
        .select_related("family", "feed")
        .order_by("-time_source", "-id")[:LATEST_EVENTS]
    )
    node_counts = (
        visible_daily_counts(user)
        .filter(organisation_id=user.organisation_id, day__gte=start.date())
        .order_by("-day", "family", "indicator_kind")[:NODE_ROWS]
    )
    notice_counts = (
        visible_notice_counts(user)
        .filter(organisation_id=user.organisation_id, day__gte=start.date())
        .order_by("-day", "family")[:NODE_ROWS]
    )
    tracking = tracking_for(user)
    return IspWorkspace(
        days=RECENT_DAYS,
        since=start,
        events=sum(counts.values()),
        family_totals=_family_totals(counts),
        table=_table(counts, end),
        latest=list(latest),
        node_counts=list(node_counts),
        tracking=tracking,
        delivery_bars=[(delivery, delivery_bar(delivery)) for delivery in tracking.delivery],
        notice_counts=list(notice_counts),
        campaigns=campaign_tasks(user),
    )


def _task(participant: Participant, measured: bool) -> CampaignTask:
    campaign = participant.campaign
    url = CAMPAIGN_PAGE.format(slug=campaign.slug)
    if not measured:
        return CampaignTask(campaign, url, participant.goal, None, None)
    # Restricted to the operator's organisation: only its own line is computed.
    progress = campaign_progress(campaign, organisations=[participant.organisation_id])
    line = next(
        (isp for isp in progress.isps if isp.organisation_id == participant.organisation_id), None
    )
    if line is None:
        return CampaignTask(campaign, url, participant.goal, progress.reduction, progress.on_track)
    return CampaignTask(campaign, url, line.goal, line.reduction, line.on_track)


def campaign_tasks(user: User) -> CampaignTasks:
    """Return the active campaigns of ``user``'s organisation: those waiting for its answer,
    and those it accepted with its own reduction (declined ones and drafts are left out)."""
    participants = (
        Participant.objects.filter(
            organisation_id=user.organisation_id, campaign__status=CampaignStatus.ACTIVE
        )
        .select_related("campaign")
        .order_by("campaign__ends_on", "campaign__name")
    )
    invited, accepted = [], []
    for participant in participants:
        if participant.status == ParticipantStatus.INVITED:
            invited.append(_task(participant, measured=False))
        elif participant.status == ParticipantStatus.ACCEPTED:
            accepted.append(_task(participant, measured=True))
    return CampaignTasks(invited=invited, accepted=accepted)
