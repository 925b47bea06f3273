"""Measuring a campaign from the nodes' counts: family names mapped through aliases and
summed, only the campaign's families kept, subscribers per family, time to clean added up."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cleannet.server.campaigns.measure import snapshot_day
from cleannet.server.campaigns.models import ALL_FAMILIES, CampaignSnapshot

from .measure_world import STARTS, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = STARTS + dt.timedelta(days=2)


def _row(campaign: Any, org: Any, family: str) -> CampaignSnapshot:
    return CampaignSnapshot.objects.get(campaign=campaign, organisation=org, family=family, day=DAY)


def test_it_sums_the_counts_of_a_familys_aliases(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet])
    isp = world.personas.isp_org
    world.notices(isp, DAY, "Mirai", warned=3, sent=5, delivered=4, acknowledged=2, reinfected=1)
    world.notices(isp, DAY, "MIRAI.botnet", warned=1, sent=1, delivered=1, acknowledged=1)
    world.notices(isp, DAY, "emotet", warned=10)

    snapshot_day(campaign, DAY)

    mirai = _row(campaign, isp, "mirai")
    assert (mirai.warned, mirai.sent, mirai.delivered, mirai.acknowledged, mirai.reinfected) == (
        4, 6, 5, 3, 1,
    )  # fmt: skip
    assert _row(campaign, isp, ALL_FAMILIES).warned == 14


def test_it_keeps_only_counts_of_the_campaigns_families(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    isp = world.personas.isp_org
    world.notices(isp, DAY, "Mirai", sent=2)
    world.notices(isp, DAY, "Emotet", sent=7)
    world.notices(isp, DAY, "NoSuchFamily", sent=9)
    world.notices(isp, DAY, "", sent=11)

    snapshot_day(campaign, DAY)

    assert _row(campaign, isp, ALL_FAMILIES).sent == 2


def test_it_keeps_every_count_in_the_all_row_of_a_campaign_of_types(world: World) -> None:
    campaign = world.campaign(types=["infected-system"])
    isp = world.personas.isp_org
    world.notices(isp, DAY, "Mirai", sent=2)
    world.notices(isp, DAY, "NoSuchFamily", sent=9)

    snapshot_day(campaign, DAY)

    assert _row(campaign, isp, ALL_FAMILIES).sent == 11
    assert set(CampaignSnapshot.objects.values_list("family", flat=True)) == {ALL_FAMILIES}


def test_it_takes_counts_of_the_day_and_participants_only(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], other_isp=False)
    world.notices(world.personas.isp_org, DAY - dt.timedelta(days=1), "Mirai", sent=5)
    world.notices(world.personas.other_isp_org, DAY, "Mirai", sent=7)

    snapshot_day(campaign, DAY)

    assert _row(campaign, world.personas.isp_org, ALL_FAMILIES).sent == 0


def test_it_adds_time_to_clean_bucket_by_bucket(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet])
    isp = world.personas.isp_org
    world.notices(isp, DAY, "Mirai", time_to_clean=[1, 2, 0, 0, 0, 1])
    world.notices(isp, DAY, "mirai.botnet", time_to_clean=[0, 1, 1, 0, 0, 0])
    world.notices(isp, DAY, "Emotet", time_to_clean=[])  # sent before time to clean existed

    snapshot_day(campaign, DAY)

    assert _row(campaign, isp, "mirai").time_to_clean == [1, 3, 1, 0, 0, 1]
    assert _row(campaign, isp, "emotet").time_to_clean == [0, 0, 0, 0, 0, 0]
    assert _row(campaign, isp, ALL_FAMILIES).time_to_clean == [1, 3, 1, 0, 0, 1]


def test_it_counts_subscribers_as_the_most_over_indicator_kinds(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet])
    isp = world.personas.isp_org
    world.subscribers(isp, DAY, "Mirai", "ip", 5)
    world.subscribers(isp, DAY, "Mirai", "domain", 8)
    world.subscribers(isp, DAY, "Emotet", "ip", 2)

    snapshot_day(campaign, DAY)

    assert _row(campaign, isp, "mirai").subscribers == 8
    assert _row(campaign, isp, ALL_FAMILIES).subscribers == 10
