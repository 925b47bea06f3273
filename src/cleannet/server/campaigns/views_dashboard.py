"""What a campaign dashboard shows: the figures of ``campaigns.progress`` drawn as the charts of
``campaigns.charts``, for the whole campaign or one ISP's own lines (plus the national total).

Pure context building, no request: the workspace pages render it with the ``dashboard_*.html``
partials, and other pages may reuse both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cleannet.server.campaigns.charts import (
    Series,
    grouped_columns,
    histogram,
    line_chart,
    progress_bars,
)
from cleannet.server.campaigns.models import Campaign, CampaignAction, ParticipantStatus
from cleannet.server.campaigns.progress import (
    CLEAN_BUCKET_LABELS,
    CampaignProgress,
    DayFigures,
    campaign_progress,
)

ACTIONS_SHOWN = 200


@dataclass(frozen=True)
class Dashboard:
    """One campaign's dashboard: ``progress`` is what the viewer may see (an ISP: its own
    lines only); ``national`` the whole campaign's progress shown beside an ISP's own."""

    progress: CampaignProgress
    national: CampaignProgress | None
    charts: dict[str, SafeString]
    actions: QuerySet[CampaignAction]


def build_dashboard(
    campaign: Campaign,
    *,
    organisation_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> Dashboard:
    """Return the dashboard of ``campaign`` between ``since`` and ``until`` (whole campaign when
    None); with ``organisation_id`` only that ISP's lines, plus the national total line."""
    if organisation_id is None:
        progress = campaign_progress(campaign, since=since, until=until)
        national = None
    else:
        progress = campaign_progress(
            campaign, organisations=[organisation_id], since=since, until=until
        )
        national = campaign_progress(campaign, since=since, until=until)
    actions = campaign_actions(campaign, organisation_id=organisation_id, since=since, until=until)
    return Dashboard(
        progress=progress,
        national=national,
        charts=dashboard_charts(progress, national),
        actions=actions,
    )


def campaign_actions(
    campaign: Campaign,
    *,
    organisation_id: int | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[CampaignAction]:
    """The actions recorded for ``campaign`` (one ISP's when given), newest first, at most
    ``ACTIONS_SHOWN``."""
    actions = CampaignAction.objects.filter(participant__campaign=campaign)
    if organisation_id is not None:
        actions = actions.filter(participant__organisation_id=organisation_id)
    if since is not None:
        actions = actions.filter(taken_on__gte=since)
    if until is not None:
        actions = actions.filter(taken_on__lte=until)
    related = actions.select_related("participant__organisation", "recorded_by")
    return related.order_by("-taken_on", "-id")[:ACTIONS_SHOWN]


def dashboard_charts(
    progress: CampaignProgress, national: CampaignProgress | None = None
) -> dict[str, SafeString]:
    """The dashboard's SVG charts by name (``infected``, ``isps``, ``notices``,
    ``reinfections``, ``time_to_clean``); a chart with nothing to draw is left out."""
    charts: dict[str, SafeString] = {}
    if progress.days:
        charts["infected"] = _infected_chart(progress, national)
        days = [day.day for day in progress.days]
        reinfected = Series(_("Re-infected"), [float(d.reinfected) for d in progress.days])
        charts["reinfections"] = line_chart(
            days, [reinfected], label=_("Re-infections per day"), y_label=_("tickets")
        )
    if progress.isps:
        charts["isps"] = progress_bars(
            [(isp.name, isp.reduction, float(isp.goal)) for isp in progress.isps],
            label=_("Reduction per ISP against its goal (%)"),
        )
        charts["notices"] = _notices_chart(progress)
    if any(progress.time_to_clean):
        charts["time_to_clean"] = histogram(
            time_to_clean_rows(progress),
            label=_("Time to clean: acknowledged warnings by days since first found"),
        )
    return charts


def _infected_chart(progress: CampaignProgress, national: CampaignProgress | None) -> SafeString:
    """Infected addresses over the window; an ISP's own line beside the national total."""
    days = [day.day for day in progress.days]
    name = progress.isps[0].name if national is not None and progress.isps else _("Campaign")
    series = [Series(name, _window_values(days, progress.days))]
    if national is not None:
        series.append(Series(_("National total"), _window_values(days, national.days)))
    return line_chart(
        days,
        series,
        label=_("Infected addresses (over the baseline window) per day"),
        goal=progress.target,
        baseline=progress.baseline,
        y_label=_("addresses"),
    )


def _window_values(days: Sequence[dt.date], figures: Sequence[DayFigures]) -> list[float | None]:
    by_day = {figure.day: figure.addresses_window for figure in figures}
    return [float(by_day[day]) if day in by_day else None for day in days]


def _notices_chart(progress: CampaignProgress) -> SafeString:
    isps = progress.isps
    return grouped_columns(
        [isp.name for isp in isps],
        [
            Series(_("Sent"), [float(isp.totals.sent) for isp in isps]),
            Series(_("Delivered"), [float(isp.totals.delivered) for isp in isps]),
            Series(_("Acknowledged"), [float(isp.totals.acknowledged) for isp in isps]),
        ],
        label=_("Warnings sent, delivered and acknowledged per ISP"),
    )


def time_to_clean_rows(progress: CampaignProgress) -> list[tuple[str, int]]:
    """The histogram's buckets as table rows (label, tickets), for readers without the chart."""
    buckets = zip(CLEAN_BUCKET_LABELS, progress.time_to_clean, strict=True)
    return [(str(label), n) for label, n in buckets]


def dashboard_context(dashboard: Dashboard) -> dict[str, Any]:
    """Template variables the ``dashboard_*.html`` partials read."""
    return {
        "dashboard": dashboard,
        "progress": dashboard.progress,
        "national": dashboard.national,
        "charts": dashboard.charts,
        "actions": dashboard.actions,
        "clean_rows": time_to_clean_rows(dashboard.progress),
        "isp_rows": [(isp, _answer_label(isp.status)) for isp in dashboard.progress.isps],
    }


def _answer_label(status: str) -> str:
    labels = dict(ParticipantStatus.choices)
    return str(labels.get(status, status))
