"""What a campaign counts from the hub's events: distinct infected addresses per ISP and
family, for a day and for the window of days ending with it (aggregate SQL, no rows loaded)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cleannet.server.campaigns.models import ALL_FAMILIES, Campaign
from cleannet.server.intel.models import Event

Key = tuple[int, str]
"""(organisation id, family slug or ``ALL_FAMILIES``)."""


@dataclass(frozen=True)
class Scope:
    """Who and what a campaign measures: its participants' organisations, its families
    (id -> slug) and its event types."""

    organisation_ids: tuple[int, ...]
    families: dict[int, str]
    classification_types: tuple[str, ...]

    @property
    def family_slugs(self) -> list[str]:
        """The campaign's family slugs, sorted: the keys of its per-family rows."""
        return sorted(self.families.values())

    @property
    def keys(self) -> list[Key]:
        """Every (organisation, family) pair a day's snapshot has a row for."""
        keys = [ALL_FAMILIES, *self.family_slugs]
        return [(org, key) for org in self.organisation_ids for key in keys]


@dataclass(frozen=True)
class EventFigures:
    """Distinct addresses on the day and in the window ending with it; events on the day."""

    addresses: int = 0
    addresses_window: int = 0
    events: int = 0


def scope_of(campaign: Campaign) -> Scope:
    """Return the campaign's scope (two queries)."""
    organisations = campaign.participants.order_by("organisation_id").values_list(
        "organisation_id", flat=True
    )
    families = dict(campaign.families.values_list("id", "slug"))
    return Scope(
        organisation_ids=tuple(organisations),
        families=families,
        classification_types=tuple(campaign.classification_types or ()),
    )


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of the UTC day ``day``."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=dt.UTC)


def _membership(scope: Scope) -> Q:
    """Events of the campaign: a family of the campaign, or one of its event types."""
    members = Q(pk__in=[])  # a campaign naming neither families nor types counts nothing
    if scope.families:
        members |= Q(family_id__in=list(scope.families))
    if scope.classification_types:
        members |= Q(classification_type__in=list(scope.classification_types))
    return members


def _window_events(scope: Scope, day: dt.date, window_days: int) -> QuerySet[Event]:
    start = day_start(day - dt.timedelta(days=window_days - 1))
    end = day_start(day + dt.timedelta(days=1))
    return Event.objects.filter(
        owner_id__in=scope.organisation_ids, time_source__gte=start, time_source__lt=end
    ).order_by()


def event_figures(scope: Scope, day: dt.date, window_days: int) -> dict[Key, EventFigures]:
    """Return the figures of every (organisation, family) with events in the window of
    ``window_days`` days ending with ``day`` (both UTC); missing keys have none.

    Two queries: one grouped by organisation and family for the campaign's families (events
    without one of them count only in the ALL rows), one grouped by organisation for
    ``ALL_FAMILIES``, where an address seen with two families counts once.
    """
    if not scope.organisation_ids:
        return {}
    on_day = Q(time_source__gte=day_start(day))
    figures = {
        "window": Count("source_ip", distinct=True),
        "day": Count("source_ip", distinct=True, filter=on_day),
        "events": Count("id", filter=on_day),
    }
    events = _window_events(scope, day, window_days)
    answer: dict[Key, EventFigures] = {}
    if scope.families:
        per_family = (
            events.filter(family_id__in=list(scope.families))
            .values("owner_id", "family_id")
            .annotate(**figures)
        )
        for row in per_family:
            key = (row["owner_id"], scope.families[row["family_id"]])
            answer[key] = EventFigures(row["day"], row["window"], row["events"])
    together = events.filter(_membership(scope)).values("owner_id").annotate(**figures)
    for row in together:
        answer[(row["owner_id"], ALL_FAMILIES)] = EventFigures(
            row["day"], row["window"], row["events"]
        )
    return answer
