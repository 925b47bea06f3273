"""Measuring campaigns day after day: from the start through yesterday, the last days again,
never past the end; the daily run measures active and just-finished campaigns only."""

from __future__ import annotations

import datetime as dt

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns.measure import (
    SnapshotRow,
    measure_active_campaigns,
    measure_campaign,
    replace_snapshot_rows,
)
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
)

from .measure_world import ENDS, STARTS, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_measures_from_the_start_and_fixes_the_baselines_first(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])

    days = measure_campaign(campaign, through=STARTS + dt.timedelta(days=4))

    campaign.refresh_from_db()
    assert days == 5
    assert campaign.measured_through == STARTS + dt.timedelta(days=4)
    assert CampaignBaseline.objects.filter(campaign=campaign).count() == 2 * 2
    assert set(CampaignSnapshot.objects.values_list("day", flat=True)) == {
        STARTS + dt.timedelta(days=n) for n in range(5)
    }
    assert AuditEntry.objects.filter(action="campaign.measure").count() == 1


def test_it_measures_the_last_three_days_again_and_then_the_new_ones(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    measure_campaign(campaign, through=STARTS + dt.timedelta(days=4))

    again = measure_campaign(campaign, through=STARTS + dt.timedelta(days=6))

    assert again == 3 + 2


def test_it_never_measures_past_the_campaigns_end(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])

    measure_campaign(campaign, through=ENDS + dt.timedelta(days=10))

    campaign.refresh_from_db()
    assert campaign.measured_through == ENDS
    assert CampaignSnapshot.objects.latest("day").day == ENDS


def test_it_measures_nothing_before_the_start(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])

    assert measure_campaign(campaign, through=STARTS - dt.timedelta(days=1)) == 0
    campaign.refresh_from_db()
    assert campaign.measured_through is None


def test_it_measures_active_and_just_finished_campaigns(world: World) -> None:
    active = world.campaign(families=[world.mirai], slug="active")
    finished = world.campaign(families=[world.mirai], slug="finished")
    finished.status = CampaignStatus.FINISHED
    finished.ends_on = STARTS + dt.timedelta(days=1)
    finished.save()
    for slug, status in (("draft", CampaignStatus.DRAFT), ("cancelled", CampaignStatus.CANCELLED)):
        other = world.campaign(families=[world.mirai], slug=slug)
        other.status = status
        other.save()

    measured = measure_active_campaigns(today=STARTS + dt.timedelta(days=3))

    assert measured == {"active": 3, "finished": 2}
    assert active.snapshots.exists()


def test_it_leaves_long_finished_campaigns_alone(world: World) -> None:
    finished = world.campaign(families=[world.mirai])
    finished.status = CampaignStatus.FINISHED
    finished.save()

    assert measure_active_campaigns(today=ENDS + dt.timedelta(days=10)) == {}


def test_it_stores_rows_given_by_the_simulation_and_refuses_bad_ones(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], other_isp=False)
    org = world.personas.isp_org.pk
    rows = [
        SnapshotRow(org, ALL_FAMILIES, addresses=7, time_to_clean=(1, 0, 0, 0, 0, 2)),
        SnapshotRow(org, "mirai", addresses=5),
    ]

    assert replace_snapshot_rows(campaign, STARTS, rows) == 2
    stored = CampaignSnapshot.objects.get(family="mirai")
    assert (stored.addresses, stored.time_to_clean) == (5, [0, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError, match="time_to_clean"):
        replace_snapshot_rows(campaign, STARTS, [SnapshotRow(org, "mirai", time_to_clean=(1,))])
    with pytest.raises(ValueError, match="two snapshot rows"):
        replace_snapshot_rows(campaign, STARTS, [rows[1], rows[1]])
    assert CampaignSnapshot.objects.filter(campaign=campaign).count() == 2
