"""Campaign progress read from the snapshots: reduction against the baseline, target, on
track for the elapsed part of the campaign, per ISP and family, restricted to ISPs or months."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import translation

from cleannet.server.campaigns.measure import SnapshotRow, replace_snapshot_rows
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    CampaignAction,
    CampaignBaseline,
    Participant,
    ParticipantStatus,
)
from cleannet.server.campaigns.progress import (
    CLEAN_BUCKET_LABELS,
    campaign_progress,
    elapsed_of,
    month_bounds,
)

from .measure_world import ENDS, STARTS, World, world_fixture  # noqa: F401

MEASURED = 6  # days measured: 6 of 30, so 20 % of the campaign has elapsed


def _baseline(campaign: Any, org: Any, family: str, addresses: int) -> None:
    CampaignBaseline.objects.create(
        campaign=campaign, organisation=org, family=family, addresses=addresses,
        window_start=STARTS - dt.timedelta(days=3), window_end=STARTS - dt.timedelta(days=1),
    )  # fmt: skip


def _measured(world: World) -> Any:
    """ISP: baseline 100 falling to 80 (mirai 60 -> 50); other ISP: 50 staying 50, own goal 40."""
    campaign = world.campaign(families=[world.mirai])
    isp, other = world.personas.isp_org, world.personas.other_isp_org
    Participant.objects.filter(organisation=other).update(
        goal_reduction=40, status=ParticipantStatus.ACCEPTED
    )
    _baseline(campaign, isp, ALL_FAMILIES, 100)
    _baseline(campaign, isp, "mirai", 60)
    _baseline(campaign, other, ALL_FAMILIES, 50)
    _baseline(campaign, other, "mirai", 50)
    for n in range(MEASURED):
        day = STARTS + dt.timedelta(days=n)
        replace_snapshot_rows(campaign, day, [
            SnapshotRow(isp.pk, ALL_FAMILIES, addresses=30 - n, addresses_window=100 - 4 * n,
                        events=10, sent=2, acknowledged=1, time_to_clean=(1, 0, 0, 0, 0, n)),
            SnapshotRow(isp.pk, "mirai", addresses=20, addresses_window=60 - 2 * n),
            SnapshotRow(other.pk, ALL_FAMILIES, addresses=9, addresses_window=50, sent=3),
            SnapshotRow(other.pk, "mirai", addresses=9, addresses_window=50),
        ])  # fmt: skip
    return campaign


@pytest.mark.django_db
def test_it_measures_each_isp_against_its_baseline_and_goal(world: World) -> None:
    progress = campaign_progress(_measured(world))

    isp, other = sorted(progress.isps, key=lambda line: line.name != "Song Hong Net")
    assert (isp.baseline, isp.current, isp.reduction, isp.target) == (100, 80, 20.0, 50)
    assert isp.on_track is True  # 20 % >= 50 % x 0.2
    assert (other.goal, other.status, other.target) == (40, "accepted", 30)
    assert (other.reduction, other.on_track) == (0.0, False)


@pytest.mark.django_db
def test_it_adds_the_isps_up_for_the_campaign(world: World) -> None:
    progress = campaign_progress(_measured(world))

    assert progress.through == STARTS + dt.timedelta(days=MEASURED - 1)
    assert progress.elapsed == pytest.approx(0.2)
    assert (progress.baseline, progress.current, progress.target) == (150, 130, 75)
    assert progress.reduction == pytest.approx(20 / 150 * 100)
    assert progress.on_track is True
    assert [day.addresses_window for day in progress.days] == [150, 146, 142, 138, 134, 130]


@pytest.mark.django_db
def test_it_sums_notices_over_the_period_and_takes_addresses_on_the_last_day(
    world: World,
) -> None:
    progress = campaign_progress(_measured(world))

    isp = next(line for line in progress.isps if line.name == "Song Hong Net")
    assert (isp.totals.events, isp.totals.sent, isp.totals.acknowledged) == (60, 12, 6)
    assert (isp.totals.addresses, isp.totals.addresses_window) == (25, 80)
    assert isp.time_to_clean == [6, 0, 0, 0, 0, 15]
    assert progress.totals.sent == 12 + 18
    assert progress.time_to_clean == [6, 0, 0, 0, 0, 15]


@pytest.mark.django_db
def test_it_adds_each_family_up_over_the_isps(world: World) -> None:
    progress = campaign_progress(_measured(world), family_days=True)

    (mirai,) = progress.families
    assert (mirai.slug, mirai.name, mirai.baseline, mirai.current) == ("mirai", "Mirai", 110, 100)
    assert mirai.reduction == pytest.approx(10 / 110 * 100)
    assert [day.addresses for day in mirai.days] == [29] * MEASURED


@pytest.mark.django_db
def test_it_reads_the_days_of_each_family_only_when_asked(world: World) -> None:
    (mirai,) = campaign_progress(_measured(world)).families

    assert (mirai.current, mirai.days) == (100, [])


@pytest.mark.django_db
def test_it_shows_an_isp_only_its_own_lines(world: World) -> None:
    campaign = _measured(world)

    progress = campaign_progress(campaign, organisations=[world.personas.isp_org.pk])

    assert [line.name for line in progress.isps] == ["Song Hong Net"]
    assert (progress.baseline, progress.current) == (100, 80)
    assert progress.families[0].baseline == 60
    assert progress.totals.sent == 12


@pytest.mark.django_db
def test_it_restricts_the_days_and_actions_to_the_period(world: World) -> None:
    campaign = _measured(world)
    participant = Participant.objects.get(organisation=world.personas.isp_org)
    for day in (STARTS, STARTS + dt.timedelta(days=3)):
        CampaignAction.objects.create(participant=participant, kind="warned", taken_on=day)
    since, until = STARTS + dt.timedelta(days=2), STARTS + dt.timedelta(days=3)

    progress = campaign_progress(campaign, since=since, until=until)

    assert [day.day for day in progress.days] == [since, until]
    assert progress.through == until
    isp = next(line for line in progress.isps if line.name == "Song Hong Net")
    assert (isp.current, isp.totals.sent, isp.actions) == (88, 4, 1)


@pytest.mark.django_db
def test_it_lists_every_participant_before_anything_is_measured(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    _baseline(campaign, world.personas.isp_org, ALL_FAMILIES, 100)

    progress = campaign_progress(campaign)

    assert {line.status for line in progress.isps} == {"invited"}
    assert len(progress.isps) == 2
    assert (progress.through, progress.elapsed, progress.days) == (None, 0.0, [])
    assert (progress.reduction, progress.on_track) == (None, None)
    assert progress.isps[0].time_to_clean == [0] * 6


@pytest.mark.django_db
def test_it_has_no_reduction_without_a_baseline(world: World) -> None:
    campaign = world.campaign(families=[world.mirai], other_isp=False)
    org = world.personas.isp_org.pk
    replace_snapshot_rows(campaign, STARTS, [SnapshotRow(org, ALL_FAMILIES, addresses_window=5)])

    progress = campaign_progress(campaign)

    assert (progress.baseline, progress.current, progress.target) == (0, 5, 0)
    assert (progress.reduction, progress.on_track) == (None, None)
    assert (progress.isps[0].reduction, progress.isps[0].on_track) == (None, None)


def test_it_counts_the_elapsed_fraction_within_the_campaign() -> None:
    class Dates:
        starts_on, ends_on = STARTS, ENDS

    campaign: Any = Dates()
    assert elapsed_of(campaign, None) == 0.0
    assert elapsed_of(campaign, STARTS) == pytest.approx(1 / 30)
    assert elapsed_of(campaign, ENDS) == 1.0
    assert elapsed_of(campaign, ENDS + dt.timedelta(days=5)) == 1.0
    assert elapsed_of(campaign, STARTS - dt.timedelta(days=5)) == 0.0


def test_it_gives_the_bounds_of_a_month() -> None:
    assert month_bounds(2028, 2) == (dt.date(2028, 2, 1), dt.date(2028, 2, 29))
    assert month_bounds(2026, 12) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    with pytest.raises(ValueError, match="month"):
        month_bounds(2026, 13)


def test_it_labels_every_time_to_clean_bucket() -> None:
    with translation.override("en"):
        labels = [str(label) for label in CLEAN_BUCKET_LABELS]

    assert labels == ["< 1 d", "1–3 d", "3–7 d", "7–14 d", "14–30 d", "≥ 30 d"]
