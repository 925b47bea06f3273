"""The worker's campaign task: scheduled daily, it finishes the campaigns that are over and
measures them through their last day in the same run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from cleannet.server.campaigns.models import CampaignStatus
from cleannet.server.campaigns.tasks import measure_campaigns, run_daily

from .measure_world import ENDS, World, world_fixture  # noqa: F401


def test_it_schedules_the_daily_measurement_at_half_past_one_utc() -> None:
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    task = measure_campaigns.task_class()

    assert "measure_campaigns" in names
    assert task.validate_datetime(dt.datetime(2026, 3, 11, 1, 30))
    assert not task.validate_datetime(dt.datetime(2026, 3, 11, 2, 30))


@pytest.mark.django_db
def test_it_finishes_a_campaign_that_is_over_and_measures_its_last_day(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    campaign.measured_through = ENDS - dt.timedelta(days=1)
    campaign.save()

    measured = run_daily(today=ENDS + dt.timedelta(days=1))

    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    assert campaign.measured_through == ENDS
    assert measured == {"spring": 3 + 1}  # the last three days again, and the last day


@pytest.mark.django_db
def test_it_runs_as_a_task_and_measures_the_active_campaigns(world: World) -> None:
    campaign = world.campaign(families=[world.mirai])
    today = timezone.now().date()
    campaign.starts_on, campaign.ends_on = (
        today - dt.timedelta(days=2),
        today + dt.timedelta(days=9),
    )
    campaign.save()

    measure_campaigns.call_local()

    campaign.refresh_from_db()
    assert campaign.measured_through == today - dt.timedelta(days=1)
    assert campaign.snapshots.count() == 2 * 2 * 2  # two days x two ISPs x (Mirai + all)
