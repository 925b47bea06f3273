"""Launching, finishing and cancelling campaigns, and the daily closing of those past due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns import services
from cleannet.server.campaigns.models import ActionKind, CampaignStatus, ParticipantStatus

from .lifecycle_world import TODAY, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def test_it_runs_a_campaign_from_draft_to_finished(world: World) -> None:
    admin, isp = world.personas.admin.user, world.personas.isp.user
    campaign = services.launch_campaign(admin, world.draft())
    assert campaign.status == CampaignStatus.ACTIVE and campaign.launched_at is not None
    assert world.baselines_fixed == [campaign]
    participant = campaign.participants.get(organisation=world.personas.isp_org)
    services.respond_to_campaign(isp, participant, accept=True, goal_reduction=60)
    action = services.record_action(
        isp, participant, kind=ActionKind.WALLED_GARDEN, taken_on=TODAY, count=120
    )
    assert action.recorded_by == isp and action.participant.goal == 60
    services.finish_campaign(admin, campaign)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED and campaign.closed_at is not None
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-5:] == [
        "campaign.create",
        "campaign.launch",
        "participant.accept",
        "campaign_action.add",
        "campaign.finish",
    ]


def test_it_leaves_the_baselines_to_the_first_day_of_a_future_campaign(world: World) -> None:
    campaign = world.active(starts_on=TODAY + dt.timedelta(days=3))
    assert campaign.status == CampaignStatus.ACTIVE
    assert world.baselines_fixed == []


def test_it_passes_its_clock_to_the_baselines(world: World) -> None:
    draft = world.draft(starts_on=TODAY + dt.timedelta(days=3))
    later = dt.datetime.combine(TODAY + dt.timedelta(days=5), dt.time(9), dt.UTC)
    services.launch_campaign(world.personas.admin.user, draft, now=later)
    assert world.baselines_fixed == [draft]


@pytest.mark.parametrize("who", ["analyst", "isp", "member"])
def test_it_lets_only_an_authority_admin_launch_finish_or_cancel(world: World, who: str) -> None:
    user = getattr(world.personas, who).user
    draft = world.draft()
    with pytest.raises(PermissionDenied):
        services.launch_campaign(user, draft)
    with pytest.raises(PermissionDenied):
        services.cancel_campaign(user, draft, "No budget")
    active = world.active(name="Other", slug="other")
    with pytest.raises(PermissionDenied):
        services.finish_campaign(user, active)
    draft.refresh_from_db()
    active.refresh_from_db()
    assert (draft.status, active.status) == (CampaignStatus.DRAFT, CampaignStatus.ACTIVE)


def test_it_refuses_to_launch_a_campaign_that_is_not_a_draft(world: World) -> None:
    campaign = world.active()
    with pytest.raises(ValidationError) as caught:
        services.launch_campaign(world.personas.admin.user, campaign)
    assert set(caught.value.message_dict) == {"status"}
    assert AuditEntry.objects.filter(action="campaign.launch").count() == 1


def test_it_refuses_to_launch_a_campaign_already_over(world: World) -> None:
    draft = world.draft(
        starts_on=TODAY - dt.timedelta(days=30), ends_on=TODAY - dt.timedelta(days=1)
    )
    with pytest.raises(ValidationError) as caught:
        services.launch_campaign(world.personas.admin.user, draft)
    assert set(caught.value.message_dict) == {"ends_on"}


def test_it_refuses_to_finish_a_draft(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.finish_campaign(world.personas.admin.user, world.draft())
    assert set(caught.value.message_dict) == {"status"}


def test_it_cancels_with_the_reason_in_the_audit_log(world: World) -> None:
    campaign = world.active()
    services.cancel_campaign(world.personas.admin.user, campaign, "  Merged into another  ")
    assert campaign.status == CampaignStatus.CANCELLED
    entry = AuditEntry.objects.get(action="campaign.cancel")
    assert entry.before["status"] == "active" and entry.after["reason"] == "Merged into another"


def test_it_refuses_a_cancellation_without_a_reason(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        services.cancel_campaign(world.personas.admin.user, world.draft(), "   ")
    assert set(caught.value.message_dict) == {"reason"}


def test_it_refuses_to_cancel_a_finished_campaign(world: World) -> None:
    campaign = world.active()
    services.finish_campaign(world.personas.admin.user, campaign)
    with pytest.raises(ValidationError) as caught:
        services.cancel_campaign(world.personas.admin.user, campaign, "Too late")
    assert set(caught.value.message_dict) == {"status"}


def test_it_finishes_the_active_campaigns_past_their_end_as_the_system(world: World) -> None:
    due = world.active(ends_on=TODAY)
    running = world.active(name="Running", slug="running", ends_on=TODAY + dt.timedelta(days=1))
    draft = world.draft(name="Draft", slug="draft", ends_on=TODAY)
    assert services.finish_due_campaigns(TODAY) == 0
    assert services.finish_due_campaigns(TODAY + dt.timedelta(days=1)) == 1
    for campaign in (due, running, draft):
        campaign.refresh_from_db()
    assert [due.status, running.status, draft.status] == ["finished", "active", "draft"]
    entry = AuditEntry.objects.get(action="campaign.finish")
    assert entry.actor is None and entry.actor_label == "system"


def test_it_lets_the_system_act_without_a_user(world: World) -> None:
    campaign = services.launch_campaign(None, world.draft())
    participant = campaign.participants.first()
    assert participant is not None
    services.respond_to_campaign(None, participant, accept=True)
    assert participant.status == ParticipantStatus.ACCEPTED
