"""The charts of a campaign report, built from its progress with ``campaigns.charts``."""

from __future__ import annotations

import datetime as dt

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cleannet.server.campaigns.charts import (
    Series,
    grouped_columns,
    histogram,
    line_chart,
    progress_bars,
)
from cleannet.server.campaigns.progress import CLEAN_BUCKET_LABELS, CampaignProgress

__all__ = [
    "national_chart",
    "notices_chart",
    "progress_chart",
    "report_charts",
    "time_to_clean_chart",
]


def _period_days(progress: CampaignProgress) -> list[dt.date]:
    """Every day from ``since`` to the last measured one (none before any is measured)."""
    if progress.through is None:
        return []
    count = (progress.through - progress.since).days + 1
    return [progress.since + dt.timedelta(days=i) for i in range(max(count, 0))]


def national_chart(progress: CampaignProgress) -> SafeString:
    """Infected addresses over the baseline window, day by day, against baseline and target;
    an unmeasured day is a gap."""
    days = _period_days(progress)
    by_day = {figures.day: figures.addresses_window for figures in progress.days}
    values: list[float | None] = [by_day.get(day) for day in days]
    has_baseline = progress.baseline > 0
    return line_chart(
        days,
        [Series(_("Infected addresses"), values)],
        label=_("Infected addresses against the baseline and the target"),
        baseline=progress.baseline if has_baseline else None,
        goal=progress.target if has_baseline else None,
        y_label=_("addresses"),
    )


def progress_chart(progress: CampaignProgress) -> SafeString:
    """Each ISP's reduction against its goal."""
    rows = [(isp.name, isp.reduction, float(isp.goal)) for isp in progress.isps]
    return progress_bars(rows, label=_("Reduction per ISP against the goal"))


def notices_chart(progress: CampaignProgress) -> SafeString:
    """Notices sent, delivered and acknowledged, and re-infections, per ISP."""
    figures = (
        ("sent", _("Sent")),
        ("delivered", _("Delivered")),
        ("acknowledged", _("Acknowledged")),
        ("reinfected", _("Re-infected")),
    )
    series = [
        Series(name, [float(getattr(isp.totals, field)) for isp in progress.isps])
        for field, name in figures
    ]
    groups = [isp.name for isp in progress.isps]
    return grouped_columns(groups, series, label=_("Notices and re-infections per ISP"))


def time_to_clean_chart(progress: CampaignProgress) -> SafeString:
    """How long acknowledged tickets took to clean, per bucket."""
    buckets = [
        (str(name), count)
        for name, count in zip(CLEAN_BUCKET_LABELS, progress.time_to_clean, strict=False)
    ]
    return histogram(buckets, label=_("Time to clean"))


def report_charts(progress: CampaignProgress) -> list[tuple[str, SafeString]]:
    """Return (heading, chart) for every chart of the report, in order."""
    return [
        (_("Infected addresses"), national_chart(progress)),
        (_("Progress per ISP"), progress_chart(progress)),
        (_("Notices and re-infections"), notices_chart(progress)),
        (_("Time to clean"), time_to_clean_chart(progress)),
    ]
