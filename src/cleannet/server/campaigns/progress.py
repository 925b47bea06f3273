"""The read side of campaigns: progress against the baseline and the goal, per ISP and per
family, from the daily snapshots (a handful of ``values()`` queries, no model per row).

Definitions (issue 10): reduction % = (baseline - current) / baseline * 100, where current is
the addresses over the baseline window ending with the last measured day (None without a
baseline); target = round(baseline * (100 - goal) / 100); on track when the reduction is at
least the goal times the elapsed fraction of the campaign.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cleannet.server.campaigns.models import ALL_FAMILIES, Campaign
from cleannet.server.campaigns.progress_rows import (
    FIGURES,
    DaySeries,
    ParticipantRow,
    Rows,
    read_rows,
)
from cleannet.server.node.notice_counts import CLEAN_BUCKETS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ADDITIVE = ("events", "warned", "sent", "delivered", "acknowledged", "reinfected")
"""Figures that add up over days; the others (addresses, subscribers) are taken on the last
measured day."""


def _bucket_label(low: int, high: int | None) -> StrOrPromise:
    if low == 0 and high is not None:
        return format_lazy(_("< {high} d"), high=high)
    if high is None:
        return format_lazy(_("≥ {low} d"), low=low)
    return format_lazy(_("{low}–{high} d"), low=low, high=high)


CLEAN_BUCKET_LABELS: list[StrOrPromise] = [_bucket_label(low, high) for low, high in CLEAN_BUCKETS]
"""One translatable label per bucket of ``CLEAN_BUCKETS`` ("< 1 d", "1–3 d", …, "≥ 30 d")."""


@dataclass(frozen=True)
class Figures:
    """A snapshot's figures: distinct infected addresses that day and over the baseline
    window, events, subscribers the node found, notices and re-infections."""

    addresses: int
    addresses_window: int
    events: int
    subscribers: int
    warned: int
    sent: int
    delivered: int
    acknowledged: int
    reinfected: int


@dataclass(frozen=True)
class DayFigures(Figures):
    day: dt.date


@dataclass(frozen=True)
class IspLine:
    """One participating ISP: its status and goal, baseline and current addresses, and its
    daily figures. ``totals`` adds up events and notices over the period; its addresses and
    subscribers are those of the last measured day."""

    organisation_id: int
    name: str
    slug: str
    status: str
    goal: int
    baseline: int
    current: int
    reduction: float | None
    target: int
    on_track: bool | None
    days: list[DayFigures]
    totals: Figures
    time_to_clean: list[int]
    actions: int


@dataclass(frozen=True)
class FamilyLine:
    """One family of the campaign, added up over the selected ISPs; ``days`` only when asked
    for (``campaign_progress(..., family_days=True)``), else empty."""

    slug: str
    name: str
    baseline: int
    current: int
    reduction: float | None
    days: list[DayFigures]


@dataclass(frozen=True)
class CampaignProgress:
    """A campaign (or the selected ISPs of it) between ``since`` and ``until``; ``through``
    is the last measured day in that period (None before any)."""

    campaign: Campaign
    since: dt.date
    until: dt.date
    through: dt.date | None
    elapsed: float
    baseline: int
    current: int
    reduction: float | None
    goal: int
    target: int
    on_track: bool | None
    days: list[DayFigures]
    isps: list[IspLine]
    families: list[FamilyLine]
    totals: Figures
    time_to_clean: list[int]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    """The first and last day of ``month`` of ``year``. Raises ``ValueError`` for a month
    outside 1–12 or a year outside what dates hold."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, 1), dt.date(year, month, last)


def reduction_of(baseline: int, current: int) -> float | None:
    """Per cent fewer addresses than the baseline (negative when more); None without one."""
    if baseline <= 0:
        return None
    return (baseline - current) / baseline * 100


def target_of(baseline: int, goal: int) -> int:
    """The most addresses allowed at the end to meet a goal of ``goal`` per cent."""
    return round(baseline * (100 - goal) / 100)


def on_track_of(reduction: float | None, goal: int, elapsed: float) -> bool | None:
    """Whether the reduction so far keeps pace with the goal over the elapsed fraction."""
    if reduction is None:
        return None
    return reduction >= goal * elapsed


def elapsed_of(campaign: Campaign, through: dt.date | None) -> float:
    """The fraction of the campaign's days up to ``through`` (included), within [0, 1]."""
    if through is None:
        return 0.0
    duration = (campaign.ends_on - campaign.starts_on).days + 1
    fraction = ((through - campaign.starts_on).days + 1) / duration
    return min(1.0, max(0.0, fraction))


def _day_figures(v: Sequence[int], day: dt.date) -> DayFigures:
    # Positional, in the order of FIGURES: this runs once per row read.
    return DayFigures(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], day)


def _sum_days(series: Iterable[DaySeries]) -> list[DayFigures]:
    """Add several ISPs' days up, day by day."""
    sums: dict[dt.date, list[int]] = {}
    for days in series:
        for day, values in days:
            total = sums.get(day)
            if total is None:
                sums[day] = list(values)
            else:
                sums[day] = [a + b for a, b in zip(total, values, strict=True)]
    return [_day_figures(sums[day], day) for day in sorted(sums)]


def _totals(days: Sequence[DayFigures], through: dt.date | None) -> Figures:
    last = next((figures for figures in days if figures.day == through), None)
    values: dict[str, Any] = {name: getattr(last, name) if last else 0 for name in FIGURES}
    for name in ADDITIVE:
        values[name] = sum(getattr(figures, name) for figures in days)
    return Figures(**values)


def _current(days: Sequence[DayFigures], through: dt.date | None) -> int:
    return next((f.addresses_window for f in days if f.day == through), 0)


def _isp_line(
    rows: Rows, participant: ParticipantRow, campaign: Campaign, elapsed: float
) -> IspLine:
    org = participant.organisation_id
    goal = participant.goal_reduction or campaign.goal_reduction
    baseline = rows.baselines.get((org, ALL_FAMILIES), 0)
    days = [_day_figures(values, day) for day, values in rows.isp_days.get(org, [])]
    current = _current(days, rows.through)
    reduction = reduction_of(baseline, current) if rows.through else None
    return IspLine(
        organisation_id=org,
        name=participant.name,
        slug=participant.slug,
        status=participant.status,
        goal=goal,
        baseline=baseline,
        current=current,
        reduction=reduction,
        target=target_of(baseline, goal),
        on_track=on_track_of(reduction, goal, elapsed),
        days=days,
        totals=_totals(days, rows.through),
        time_to_clean=rows.time_to_clean.get(org, [0] * len(CLEAN_BUCKETS)),
        actions=rows.actions.get(org, 0),
    )


def _family_lines(rows: Rows) -> list[FamilyLine]:
    lines = []
    for slug in sorted(rows.family_slugs, key=lambda s: (rows.family_names.get(s) or s).lower()):
        days = [_day_figures(values, day) for day, values in rows.family_days.get(slug, [])]
        baseline = sum(n for (_org, family), n in rows.baselines.items() if family == slug)
        current = rows.family_current.get(slug, 0)
        reduction = reduction_of(baseline, current) if rows.through else None
        name = rows.family_names.get(slug, slug)
        lines.append(FamilyLine(slug, name, baseline, current, reduction, days))
    return lines


def campaign_progress(
    campaign: Campaign,
    *,
    organisations: Iterable[int] | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    family_days: bool = False,
) -> CampaignProgress:
    """Return the campaign's progress between ``since`` and ``until`` (its whole run by
    default), over every participant or only ``organisations`` (Organisation ids: an ISP's
    own view). Every participant gets a line, measured or not; national days and totals add
    up the selected ISPs' ``ALL_FAMILIES`` rows.

    Each ``FamilyLine.days`` is filled only with ``family_days`` (reading every family's
    rows costs more than the rest together); baseline, current and reduction always are.
    """
    since = since or campaign.starts_on
    until = until or campaign.ends_on
    rows = read_rows(campaign, organisations, since, until, family_days=family_days)
    elapsed = elapsed_of(campaign, rows.through)
    isps = [_isp_line(rows, p, campaign, elapsed) for p in rows.participants]
    selected = {isp.organisation_id for isp in isps}
    days = _sum_days(series for org, series in rows.isp_days.items() if org in selected)
    baseline = sum(isp.baseline for isp in isps)
    current = _current(days, rows.through)
    reduction = reduction_of(baseline, current) if rows.through else None
    goal = campaign.goal_reduction
    clean = [sum(bucket) for bucket in zip(*(isp.time_to_clean for isp in isps), strict=True)]
    return CampaignProgress(
        campaign=campaign,
        since=since,
        until=until,
        through=rows.through,
        elapsed=elapsed,
        baseline=baseline,
        current=current,
        reduction=reduction,
        goal=goal,
        target=target_of(baseline, goal),
        on_track=on_track_of(reduction, goal, elapsed),
        days=days,
        isps=isps,
        families=_family_lines(rows),
        totals=_totals(days, rows.through),
        time_to_clean=clean or [0] * len(CLEAN_BUCKETS),
    )
