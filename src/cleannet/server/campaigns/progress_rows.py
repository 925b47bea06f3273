"""The queries behind ``campaigns.progress``: participants, baselines, snapshot rows and
actions of one campaign as plain tuples (``values_list``), six or seven queries whatever its
size."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet, Sum

from cleannet.server.campaigns.measure_nodes import add_clean, zero_clean
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignAction,
    CampaignBaseline,
    CampaignSnapshot,
    Participant,
)
from cleannet.server.intel.models import MalwareFamily

FIGURES = (
    "addresses", "addresses_window", "events", "subscribers",
    "warned", "sent", "delivered", "acknowledged", "reinfected",
)  # fmt: skip
"""The snapshot figures, in the order of ``progress.Figures``."""

DaySeries = list[tuple[dt.date, tuple[int, ...]]]


@dataclass(frozen=True)
class ParticipantRow:
    organisation_id: int
    name: str
    slug: str
    status: str
    goal_reduction: int | None


@dataclass
class Rows:
    """What one progress needs, keyed by organisation id or family slug; days in order."""

    participants: list[ParticipantRow]
    baselines: dict[tuple[int, str], int]
    isp_days: dict[int, DaySeries] = field(default_factory=dict)
    family_days: dict[str, DaySeries] = field(default_factory=dict)
    family_slugs: set[str] = field(default_factory=set)
    family_names: dict[str, str] = field(default_factory=dict)
    family_current: dict[str, int] = field(default_factory=dict)
    time_to_clean: dict[int, list[int]] = field(default_factory=dict)
    actions: dict[int, int] = field(default_factory=dict)
    through: dt.date | None = None
    restricted: bool = False  # only some participants' rows are read

    def only_participants(
        self, rows: QuerySet[Any], field: str = "organisation_id"
    ) -> QuerySet[Any]:
        """``rows`` of the selected participants (every row of the campaign otherwise)."""
        if not self.restricted:
            return rows
        return rows.filter(**{f"{field}__in": [p.organisation_id for p in self.participants]})


def _participants(campaign: Campaign, organisations: Iterable[int] | None) -> list[ParticipantRow]:
    rows = Participant.objects.filter(campaign=campaign)
    if organisations is not None:
        rows = rows.filter(organisation_id__in=list(organisations))
    values = rows.order_by("organisation__name").values_list(
        "organisation_id", "organisation__name", "organisation__slug", "status", "goal_reduction"
    )
    return [ParticipantRow(*row) for row in values]


def _read_isp_days(rows: Rows, campaign: Campaign, since: dt.date, until: dt.date) -> None:
    """The ``ALL_FAMILIES`` rows of each selected ISP, and its time to clean summed."""
    snapshots = rows.only_participants(
        CampaignSnapshot.objects.filter(
            campaign=campaign, family=ALL_FAMILIES, day__gte=since, day__lte=until
        )
    ).order_by("organisation_id", "day")
    isp_days: dict[int, DaySeries] = defaultdict(list)
    for org, day, clean, *figures in snapshots.values_list(
        "organisation_id", "day", "time_to_clean", *FIGURES
    ):
        isp_days[org].append((day, tuple(figures)))
        add_clean(rows.time_to_clean.setdefault(org, zero_clean()), clean)
        if rows.through is None or day > rows.through:
            rows.through = day
    rows.isp_days = dict(isp_days)


def _read_family_days(rows: Rows, campaign: Campaign, since: dt.date, until: dt.date) -> None:
    """Each family's rows added up over the selected ISPs, by day (summed in SQL)."""
    snapshots = (
        rows.only_participants(
            CampaignSnapshot.objects.filter(campaign=campaign, day__gte=since, day__lte=until)
        )
        .exclude(family=ALL_FAMILIES)
        .order_by()
        .values("family", "day")
        .annotate(**{f"sum_{name}": Sum(name) for name in FIGURES})
        .order_by("family", "day")
    )
    family_days: dict[str, DaySeries] = defaultdict(list)
    for family, day, *figures in snapshots.values_list(
        "family", "day", *(f"sum_{name}" for name in FIGURES)
    ):
        family_days[family].append((day, tuple(int(n or 0) for n in figures)))
    rows.family_days = dict(family_days)


def _read_family_current(rows: Rows, campaign: Campaign) -> None:
    """Each family's addresses over the window ending with the last measured day, added up
    over the selected ISPs (one day's rows only)."""
    if rows.through is None:
        return
    snapshots = (
        rows.only_participants(CampaignSnapshot.objects.filter(campaign=campaign, day=rows.through))
        .exclude(family=ALL_FAMILIES)
        .order_by()
        .values("family")
        .annotate(current=Sum("addresses_window"))
        .values_list("family", "current")
    )
    rows.family_current = {family: int(current or 0) for family, current in snapshots}


def _read_families(rows: Rows, campaign: Campaign) -> None:
    campaign_families = dict(campaign.families.values_list("slug", "name"))
    rows.family_slugs = set(campaign_families) | set(rows.family_current) | set(rows.family_days)
    rows.family_slugs |= {family for _org, family in rows.baselines if family != ALL_FAMILIES}
    rows.family_names = campaign_families
    unknown = rows.family_slugs - set(campaign_families)
    if unknown:  # rows of a family the campaign no longer names (or the simulation made)
        rows.family_names |= dict(
            MalwareFamily.objects.filter(slug__in=unknown).values_list("slug", "name")
        )


def _read_actions(rows: Rows, campaign: Campaign, since: dt.date, until: dt.date) -> None:
    actions = CampaignAction.objects.filter(
        participant__campaign=campaign, taken_on__gte=since, taken_on__lte=until
    )
    counts = (
        rows.only_participants(actions, "participant__organisation_id")
        .order_by()
        .values("participant__organisation_id")
        .annotate(n=Count("id"))
        .values_list("participant__organisation_id", "n")
    )
    rows.actions = dict(counts)


def read_rows(
    campaign: Campaign,
    organisations: Iterable[int] | None,
    since: dt.date,
    until: dt.date,
    *,
    family_days: bool = False,
) -> Rows:
    """Read what ``campaign_progress`` needs for the participants (only ``organisations``
    when given) between ``since`` and ``until``, both included; each family's days only
    with ``family_days`` (they are most of the rows)."""
    participants = _participants(campaign, organisations)
    rows = Rows(participants=participants, baselines={}, restricted=organisations is not None)
    baselines = rows.only_participants(CampaignBaseline.objects.filter(campaign=campaign))
    rows.baselines = {
        (org, family): n
        for org, family, n in baselines.values_list("organisation_id", "family", "addresses")
    }
    _read_isp_days(rows, campaign, since, until)
    _read_family_current(rows, campaign)
    if family_days:
        _read_family_days(rows, campaign, since, until)
    _read_families(rows, campaign)
    _read_actions(rows, campaign, since, until)
    return rows
