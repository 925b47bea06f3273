"""Measuring campaigns: the baseline fixed once at the start, then one snapshot per day, ISP
and family (plus ``ALL_FAMILIES``) that every dashboard, export and the public page read.

Figures come from the hub's events (distinct infected addresses, see ``measure_events``) and
the ISP nodes' aggregate counts (see ``measure_nodes``). Days are UTC dates.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cleannet.server.accounts.audit import record_change
from cleannet.server.campaigns.measure_events import event_figures, scope_of
from cleannet.server.campaigns.measure_nodes import NodeFigures
from cleannet.server.campaigns.measure_nodes import node_figures as _node_figures
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
)
from cleannet.server.node.notice_counts import CLEAN_BUCKETS

logger = logging.getLogger(__name__)

RECOMPUTE_DAYS = 3
"""Days measured again on every run: node counts and late feed events keep arriving."""

SNAPSHOT_BATCH = 2000


@dataclass(frozen=True)
class SnapshotRow:
    """One snapshot row to store: an organisation and family (slug or ``ALL_FAMILIES``) on the
    day given to ``replace_snapshot_rows``. ``time_to_clean`` has one count per bucket of
    ``CLEAN_BUCKETS``; empty means zeros."""

    organisation_id: int
    family: str
    addresses: int = 0
    addresses_window: int = 0
    events: int = 0
    subscribers: int = 0
    warned: int = 0
    sent: int = 0
    delivered: int = 0
    acknowledged: int = 0
    reinfected: int = 0
    time_to_clean: tuple[int, ...] = ()


def _clean_list(row: SnapshotRow) -> list[int]:
    if not row.time_to_clean:
        return [0] * len(CLEAN_BUCKETS)
    if len(row.time_to_clean) != len(CLEAN_BUCKETS) or min(row.time_to_clean) < 0:
        raise ValueError(
            f"time_to_clean needs {len(CLEAN_BUCKETS)} counts of zero or more, "
            f"not {row.time_to_clean!r}"
        )
    return [int(value) for value in row.time_to_clean]


def replace_snapshot_rows(campaign: Campaign, day: dt.date, rows: Sequence[SnapshotRow]) -> int:
    """Replace the campaign's snapshot of ``day`` with ``rows``, in one transaction; return
    how many rows are stored. The one writer of snapshots (measuring and the simulation).

    Raises ``ValueError`` for a ``time_to_clean`` of the wrong length or with a negative
    count, or two rows of one organisation and family (nothing is changed then).
    """
    seen = {(row.organisation_id, row.family) for row in rows}
    if len(seen) != len(rows):
        raise ValueError("two snapshot rows for one organisation and family")
    now = timezone.now()
    snapshots = [
        CampaignSnapshot(
            campaign=campaign,
            day=day,
            organisation_id=row.organisation_id,
            family=row.family,
            addresses=row.addresses,
            addresses_window=row.addresses_window,
            events=row.events,
            subscribers=row.subscribers,
            warned=row.warned,
            sent=row.sent,
            delivered=row.delivered,
            acknowledged=row.acknowledged,
            reinfected=row.reinfected,
            time_to_clean=_clean_list(row),
            computed_at=now,
        )
        for row in rows
    ]
    with transaction.atomic():
        CampaignSnapshot.objects.filter(campaign=campaign, day=day).delete()
        CampaignSnapshot.objects.bulk_create(snapshots, batch_size=SNAPSHOT_BATCH)
    return len(snapshots)


def fix_baselines(campaign: Campaign, now: dt.datetime | None = None) -> int:
    """Fix the campaign's baselines: distinct infected addresses per participant and family
    (and ``ALL_FAMILIES``) over the ``baseline_days`` days before ``starts_on``.

    Return how many baselines were fixed now: a baseline already fixed is never recomputed
    (so calling again fixes only those of participants added since), and nothing is fixed
    before the campaign's first day (its window is not over yet).
    """
    today = (now or timezone.now()).astimezone(dt.UTC).date()
    if campaign.starts_on > today:
        return 0
    scope = scope_of(campaign)
    fixed = set(campaign.baselines.values_list("organisation_id", "family"))
    missing = [key for key in scope.keys if key not in fixed]
    if not missing:
        return 0
    window_end = campaign.starts_on - dt.timedelta(days=1)
    counts = event_figures(scope, window_end, campaign.baseline_days)
    window_start = campaign.starts_on - dt.timedelta(days=campaign.baseline_days)
    baselines = [
        CampaignBaseline(
            campaign=campaign,
            organisation_id=org,
            family=family,
            addresses=counts[(org, family)].addresses_window if (org, family) in counts else 0,
            window_start=window_start,
            window_end=window_end,
        )
        for org, family in missing
    ]
    with transaction.atomic():
        CampaignBaseline.objects.bulk_create(baselines)
        after = {"baselines": len(baselines), "from": str(window_start), "to": str(window_end)}
        record_change(None, "campaign.baselines.fix", campaign, after=after)
    return len(baselines)


def snapshot_day(campaign: Campaign, day: dt.date) -> int:
    """Measure ``day`` (UTC) for every participant and family of the campaign, plus the
    ``ALL_FAMILIES`` rows; replace that day's snapshot and return how many rows it has.

    Every participant gets a row per key even with nothing to count (zeros), so the
    dashboards' series have no holes.
    """
    scope = scope_of(campaign)
    events = event_figures(scope, day, campaign.baseline_days)
    nodes = _node_figures(scope, day)
    rows = []
    for key in scope.keys:
        counted = events.get(key)
        node = nodes.get(key) or NodeFigures()
        rows.append(
            SnapshotRow(
                organisation_id=key[0],
                family=key[1],
                addresses=counted.addresses if counted else 0,
                addresses_window=counted.addresses_window if counted else 0,
                events=counted.events if counted else 0,
                subscribers=node.subscribers,
                warned=node.warned,
                sent=node.sent,
                delivered=node.delivered,
                acknowledged=node.acknowledged,
                reinfected=node.reinfected,
                time_to_clean=tuple(node.time_to_clean),
            )
        )
    return replace_snapshot_rows(campaign, day, rows)


def last_day(campaign: Campaign) -> dt.date:
    """The campaign's last day to measure: ``ends_on``, or the day it was closed if that
    came first (a campaign finished or cancelled early)."""
    if campaign.closed_at is not None and campaign.status != CampaignStatus.ACTIVE:
        return min(campaign.ends_on, campaign.closed_at.astimezone(dt.UTC).date())
    return campaign.ends_on


def _first_day(campaign: Campaign) -> dt.date:
    if campaign.measured_through is None:
        return campaign.starts_on
    again = campaign.measured_through - dt.timedelta(days=RECOMPUTE_DAYS - 1)
    return max(campaign.starts_on, again)


def measure_campaign(campaign: Campaign, through: dt.date | None = None) -> int:
    """Fix the baselines if due, then measure every day not measured yet up to ``through``
    (yesterday, UTC, by default) but not past the campaign's last day, measuring again the
    last ``RECOMPUTE_DAYS`` days measured before. Return how many days were measured.

    ``campaign.measured_through`` becomes the last day measured (it never goes back).
    """
    yesterday = timezone.now().astimezone(dt.UTC).date() - dt.timedelta(days=1)
    fix_baselines(campaign)
    first = _first_day(campaign)
    last = min(through or yesterday, last_day(campaign))
    days = 0
    day = first
    while day <= last:
        snapshot_day(campaign, day)
        day += dt.timedelta(days=1)
        days += 1
    if days and (campaign.measured_through is None or last > campaign.measured_through):
        before = {"measured_through": str(campaign.measured_through)}
        campaign.measured_through = last
        campaign.save(update_fields=["measured_through"])
        record_change(
            None, "campaign.measure", campaign, before=before, after={"measured_through": str(last)}
        )
    return days


def _due_campaigns(today: dt.date) -> list[Campaign]:
    """Active campaigns, and finished ones whose last days may still change."""
    recently_over = Q(
        status=CampaignStatus.FINISHED, ends_on__gte=today - dt.timedelta(days=RECOMPUTE_DAYS)
    )
    due = Campaign.objects.filter(Q(status=CampaignStatus.ACTIVE) | recently_over)
    return list(due.order_by("starts_on", "pk"))


def measure_active_campaigns(today: dt.date | None = None) -> dict[str, int]:
    """Measure every active campaign (and those finished in the last ``RECOMPUTE_DAYS``
    days) through the day before ``today`` (UTC). Return days measured by campaign slug.

    A campaign that fails to measure is logged and left for the next run; the others go on.
    """
    today = today or timezone.now().astimezone(dt.UTC).date()
    measured: dict[str, int] = {}
    for campaign in _due_campaigns(today):
        try:
            measured[campaign.slug] = measure_campaign(
                campaign, through=today - dt.timedelta(days=1)
            )
        except Exception:  # one broken campaign must not stop the others' measurement
            logger.exception("campaigns: measuring %s failed", campaign.slug)
    return measured
