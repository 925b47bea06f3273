"""Measuring a campaign from events: distinct infected addresses per ISP and family (and all
families together), on the day and over the window, and the baseline fixed once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from cleannet.server.campaigns.measure import fix_baselines, snapshot_day
from cleannet.server.campaigns.models import ALL_FAMILIES, CampaignBaseline, CampaignSnapshot
from cleannet.server.intel.events import record_events

from .measure_world import STARTS, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

DAY = STARTS + dt.timedelta(days=5)
ISP_IP, ISP_IP2, OTHER_IP = "203.0.113.5", "203.0.113.6", "198.51.100.7"


def _row(campaign: Any, org: Any, family: str, day: dt.date = DAY) -> CampaignSnapshot:
    return CampaignSnapshot.objects.get(campaign=campaign, organisation=org, family=family, day=day)


def test_it_counts_an_address_seen_twice_once(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    world.events((ISP_IP, DAY, "Mirai"), (ISP_IP, DAY, "mirai.botnet"), (ISP_IP2, DAY, "Mirai"))

    snapshot_day(campaign, DAY)

    row = _row(campaign, world.personas.isp_org, "mirai")
    assert (row.addresses, row.events) == (2, 3)


def test_it_counts_an_address_of_two_families_once_in_the_all_row(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet])
    world.events((ISP_IP, DAY, "Mirai"), (ISP_IP, DAY, "Emotet"))

    snapshot_day(campaign, DAY)

    isp = world.personas.isp_org
    assert _row(campaign, isp, "mirai").addresses == 1
    assert _row(campaign, isp, "emotet").addresses == 1
    assert _row(campaign, isp, ALL_FAMILIES).addresses == 1


def test_it_writes_a_zero_row_for_every_participant_and_family(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet])

    stored = snapshot_day(campaign, DAY)

    assert stored == 2 * 3  # two ISPs x (two families + all)
    assert not CampaignSnapshot.objects.exclude(addresses=0).exists()


def test_it_counts_only_events_of_the_campaigns_families(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    world.events((ISP_IP, DAY, "Mirai"), (ISP_IP2, DAY, "Emotet"), ("203.0.113.9", DAY, None))

    snapshot_day(campaign, DAY)

    assert _row(campaign, world.personas.isp_org, ALL_FAMILIES).addresses == 1
    families = set(CampaignSnapshot.objects.values_list("family", flat=True))
    assert families == {ALL_FAMILIES, "mirai"}


def test_it_counts_events_of_the_campaigns_types_whatever_their_family(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], types=["infected-system"])
    world.events((ISP_IP, DAY, "Emotet"), (ISP_IP2, DAY, None))
    world.events(("203.0.113.9", DAY, "Mirai"), kind="scanner")
    world.events(("203.0.113.10", DAY, None), kind="scanner")

    snapshot_day(campaign, DAY)

    isp = world.personas.isp_org
    assert _row(campaign, isp, ALL_FAMILIES).addresses == 3  # both infected-system, and Mirai
    assert _row(campaign, isp, "mirai").addresses == 1  # events without a family: ALL only


def test_it_leaves_out_other_organisations_events(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], other_isp=False)
    world.events((ISP_IP, DAY, "Mirai"), (OTHER_IP, DAY, "Mirai"))

    snapshot_day(campaign, DAY)

    rows = CampaignSnapshot.objects.filter(campaign=campaign)
    assert set(rows.values_list("organisation_id", flat=True)) == {world.personas.isp_org.pk}
    assert _row(campaign, world.personas.isp_org, ALL_FAMILIES).addresses == 1


def test_it_counts_the_window_of_baseline_days_ending_with_the_day(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], baseline_days=3)
    world.events(
        ("203.0.113.1", DAY - dt.timedelta(days=3), "Mirai"),  # before the window
        ("203.0.113.2", DAY - dt.timedelta(days=2), "Mirai"),
        ("203.0.113.3", DAY - dt.timedelta(days=1), "Mirai"),
        ("203.0.113.3", DAY, "Mirai"),
        ("203.0.113.4", DAY + dt.timedelta(days=1), "Mirai"),  # after the day
    )

    snapshot_day(campaign, DAY)

    row = _row(campaign, world.personas.isp_org, ALL_FAMILIES)
    assert (row.addresses, row.addresses_window) == (1, 2)


def test_it_bounds_days_in_utc(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], baseline_days=1)
    times = [
        (f"{DAY - dt.timedelta(days=1)}T23:59:59+00:00", "203.0.113.1"),
        (f"{DAY}T06:30:00+07:00", "203.0.113.2"),  # 23:30 UTC the day before
        (f"{DAY}T00:00:00+00:00", "203.0.113.3"),
        (f"{DAY}T23:59:59+00:00", "203.0.113.4"),
        (f"{DAY + dt.timedelta(days=1)}T00:00:00+00:00", "203.0.113.5"),
    ]
    record_events(
        None,
        [
            world.make_event({"source.ip": ip, "time.source": at, "malware.name": "Mirai"})
            for at, ip in times
        ],
    )

    snapshot_day(campaign, DAY)

    assert _row(campaign, world.personas.isp_org, ALL_FAMILIES).addresses == 2


def test_it_fixes_the_baseline_over_the_days_before_the_start(world: World) -> None:
    campaign = world.campaign(families=[world.mirai, world.emotet], baseline_days=3)
    world.events(
        ("203.0.113.1", STARTS - dt.timedelta(days=4), "Mirai"),  # before the window
        ("203.0.113.2", STARTS - dt.timedelta(days=3), "Mirai"),
        ("203.0.113.2", STARTS - dt.timedelta(days=2), "Emotet"),
        ("203.0.113.3", STARTS - dt.timedelta(days=1), "Emotet"),
        ("203.0.113.4", STARTS, "Mirai"),  # the first day belongs to the campaign
        (OTHER_IP, STARTS - dt.timedelta(days=1), "Mirai"),
    )

    fixed = fix_baselines(campaign, now=dt.datetime(2026, 3, 10, 1, tzinfo=dt.UTC))

    assert fixed == 2 * 3
    baselines = {(b.organisation_id, b.family): b.addresses for b in CampaignBaseline.objects.all()}
    isp, other = world.personas.isp_org.pk, world.personas.other_isp_org.pk
    assert baselines[(isp, "mirai")] == 1
    assert baselines[(isp, "emotet")] == 2
    assert baselines[(isp, ALL_FAMILIES)] == 2
    assert baselines[(other, ALL_FAMILIES)] == 1
    first = CampaignBaseline.objects.first()
    assert first is not None
    assert (first.window_start, first.window_end) == (dt.date(2026, 3, 7), dt.date(2026, 3, 9))


def test_it_never_changes_a_fixed_baseline(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    world.events((ISP_IP, STARTS - dt.timedelta(days=1), "Mirai"))
    fix_baselines(campaign)
    world.events((ISP_IP2, STARTS - dt.timedelta(days=1), "Mirai"))  # arrived late

    assert fix_baselines(campaign) == 0
    baseline = CampaignBaseline.objects.get(organisation=world.personas.isp_org, family="mirai")
    assert baseline.addresses == 1


def test_it_fixes_no_baseline_before_the_campaign_starts(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])

    fixed = fix_baselines(campaign, now=dt.datetime(2026, 3, 9, 23, 59, tzinfo=dt.UTC))

    assert fixed == 0
    assert not CampaignBaseline.objects.exists()


def test_it_replaces_a_days_rows_when_measuring_it_again(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    world.events((ISP_IP, DAY, "Mirai"))
    snapshot_day(campaign, DAY)
    world.events((ISP_IP2, DAY, "Mirai"))  # arrived late

    snapshot_day(campaign, DAY)

    assert CampaignSnapshot.objects.filter(campaign=campaign, day=DAY).count() == 2 * 2
    assert _row(campaign, world.personas.isp_org, "mirai").addresses == 2
