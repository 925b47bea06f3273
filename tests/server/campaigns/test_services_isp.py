"""An ISP's side of a campaign: answering the invitation and recording its actions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns import services
from cleannet.server.campaigns.models import (
    ActionKind,
    Campaign,
    CampaignAction,
    Participant,
    ParticipantStatus,
)

from .lifecycle_world import TODAY, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _own(campaign: Campaign, world: World) -> Participant:
    return campaign.participants.get(organisation=world.personas.isp_org)


def _accepted(world: World, **changes: Any) -> Participant:
    participant = _own(world.active(**changes), world)
    return services.respond_to_campaign(world.personas.isp.user, participant, accept=True)


def _act(world: World, participant: Participant, **changes: Any) -> CampaignAction:
    values: dict[str, Any] = {"kind": ActionKind.WARNED_SUBSCRIBERS, "taken_on": TODAY}
    values.update(changes)
    return services.record_action(world.personas.isp.user, participant, **values)


def test_it_records_an_acceptance_with_the_isps_own_goal(world: World) -> None:
    participant = _own(world.active(), world)
    services.respond_to_campaign(
        world.personas.isp.user, participant, accept=True, note=" Ready ", goal_reduction=70
    )
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.ACCEPTED
    assert (participant.goal, participant.note) == (70, "Ready")
    assert participant.responded_by == world.personas.isp.user
    entry = AuditEntry.objects.get(action="participant.accept")
    assert entry.before["status"] == "invited" and entry.after["status"] == "accepted"


def test_it_records_a_decline(world: World) -> None:
    participant = _own(world.active(), world)
    services.respond_to_campaign(world.personas.isp.user, participant, accept=False, note="No")
    assert participant.status == ParticipantStatus.DECLINED and participant.goal == 50
    assert AuditEntry.objects.filter(action="participant.decline").count() == 1


@pytest.mark.parametrize("who", ["other_isp", "admin", "analyst", "member"])
def test_it_refuses_an_answer_by_anyone_but_the_isps_operators(world: World, who: str) -> None:
    participant = _own(world.active(), world)
    with pytest.raises(PermissionDenied):
        services.respond_to_campaign(getattr(world.personas, who).user, participant, accept=True)
    participant.refresh_from_db()
    assert participant.status == ParticipantStatus.INVITED


def test_it_refuses_an_answer_to_a_draft_or_a_finished_campaign(world: World) -> None:
    draft = _own(world.draft(), world)
    with pytest.raises(ValidationError) as caught:
        services.respond_to_campaign(world.personas.isp.user, draft, accept=True)
    assert set(caught.value.message_dict) == {"status"}
    finished = world.active(name="Done", slug="done")
    services.finish_campaign(world.personas.admin.user, finished)
    with pytest.raises(ValidationError):
        services.respond_to_campaign(world.personas.isp.user, _own(finished, world), accept=True)


def test_it_refuses_an_own_goal_outside_1_to_100(world: World) -> None:
    participant = _own(world.active(), world)
    with pytest.raises(ValidationError) as caught:
        services.respond_to_campaign(
            world.personas.isp.user, participant, accept=True, goal_reduction=0
        )
    assert set(caught.value.message_dict) == {"goal_reduction"}


def test_it_records_an_action_with_its_audit_entry(world: World) -> None:
    participant = _accepted(world)
    action = _act(world, participant, count=3, description="Blocked C2 at the border")
    assert action.kind == ActionKind.WARNED_SUBSCRIBERS and action.count == 3
    assert AuditEntry.objects.get(action="campaign_action.add").after["count"] == 3


def test_it_refuses_an_action_before_the_isp_accepted(world: World) -> None:
    participant = _own(world.active(), world)
    with pytest.raises(ValidationError) as caught:
        _act(world, participant)
    assert set(caught.value.message_dict) == {"status"}
    services.respond_to_campaign(world.personas.isp.user, participant, accept=False)
    with pytest.raises(ValidationError):
        _act(world, participant)


def test_it_refuses_an_action_on_a_campaign_no_longer_active(world: World) -> None:
    participant = _accepted(world)
    services.finish_campaign(world.personas.admin.user, participant.campaign)
    with pytest.raises(ValidationError) as caught:
        _act(world, participant)
    assert set(caught.value.message_dict) == {"status"}


@pytest.mark.parametrize(
    "taken_on",
    [TODAY - dt.timedelta(days=11), TODAY + dt.timedelta(days=1), TODAY + dt.timedelta(days=60)],
    ids=["before-the-start", "tomorrow", "after-the-end"],
)
def test_it_refuses_an_action_outside_the_campaign_or_in_the_future(
    world: World, taken_on: dt.date
) -> None:
    participant = _accepted(world)
    with pytest.raises(ValidationError) as caught:
        _act(world, participant, taken_on=taken_on)
    assert set(caught.value.message_dict) == {"taken_on"}


def test_it_refuses_an_unknown_kind_and_a_negative_count(world: World) -> None:
    participant = _accepted(world)
    with pytest.raises(ValidationError) as caught:
        _act(world, participant, kind="prayed", count=-1)
    assert set(caught.value.message_dict) == {"kind", "count"}
    assert not CampaignAction.objects.exists()


@pytest.mark.parametrize("who", ["other_isp", "admin", "member"])
def test_it_refuses_an_action_by_anyone_but_the_isps_operators(world: World, who: str) -> None:
    participant = _accepted(world)
    with pytest.raises(PermissionDenied):
        services.record_action(
            getattr(world.personas, who).user,
            participant,
            kind=ActionKind.OTHER,
            taken_on=TODAY,
        )
