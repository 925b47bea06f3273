"""The campaign forms: what they check by themselves, and that saving goes through the
services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns.forms import ActionForm, CampaignForm, ResponseForm
from cleannet.server.campaigns.models import CampaignStatus, ParticipantStatus

from .lifecycle_world import TODAY, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _campaign_data(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Emotet 2026",
        "slug": "emotet-2026",
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=90)).isoformat(),
        "families": [world.emotet.pk],
        "participants": [world.personas.isp_org.pk],
        "goal_reduction": "50",
        "baseline_days": "7",
        "public": "on",
    }
    data.update(changes)
    return data


def test_it_creates_a_draft_through_the_service(world: World) -> None:
    form = CampaignForm(_campaign_data(world, classification_types=["infected-system"]))
    assert form.is_valid(), form.errors
    campaign = form.save(world.personas.analyst.user)
    assert campaign.status == CampaignStatus.DRAFT and campaign.public
    assert campaign.classification_types == ["infected-system"]
    assert AuditEntry.objects.filter(action="campaign.create").count() == 1


def test_it_offers_only_isps_and_date_inputs(world: World) -> None:
    form = CampaignForm()
    offered = set(form.fields["participants"].queryset)  # type: ignore[attr-defined]
    assert offered == {world.personas.isp_org, world.personas.other_isp_org}
    assert 'type="date"' in str(form["starts_on"]) and 'type="date"' in str(form["ends_on"])


def test_it_refuses_an_end_before_the_start_and_no_families_or_types(world: World) -> None:
    form = CampaignForm(
        _campaign_data(world, ends_on=(TODAY - dt.timedelta(days=1)).isoformat(), families=[])
    )
    assert not form.is_valid()
    assert {"ends_on", "families"} <= set(form.errors)


def test_it_refuses_a_bank_as_participant_and_a_goal_of_zero(world: World) -> None:
    form = CampaignForm(
        _campaign_data(world, participants=[world.personas.bank.pk], goal_reduction="0")
    )
    assert not form.is_valid()
    assert {"participants", "goal_reduction"} <= set(form.errors)


def test_it_edits_a_draft_from_its_current_values(world: World) -> None:
    campaign = world.draft()
    form = CampaignForm(instance=campaign)
    assert form["name"].value() == "Mirai cleanup"
    assert form["starts_on"].value() == campaign.starts_on
    data = _campaign_data(world, name="Mirai 2026", slug=campaign.slug)
    edited = CampaignForm(data, instance=campaign)
    assert edited.is_valid(), edited.errors
    assert edited.save(world.personas.analyst.user).name == "Mirai 2026"
    assert list(campaign.families.all()) == [world.emotet]


def test_it_disables_what_a_launched_campaign_can_no_longer_change(world: World) -> None:
    campaign = world.active()
    later = campaign.ends_on + dt.timedelta(days=10)
    data = _campaign_data(world, ends_on=later.isoformat(), summary_en="Now longer")
    form = CampaignForm(data, instance=campaign)
    assert form.fields["name"].disabled and not form.fields["ends_on"].disabled
    assert form.is_valid(), form.errors
    saved = form.save(world.personas.admin.user)
    assert (saved.name, saved.ends_on, saved.summary_en) == ("Mirai cleanup", later, "Now longer")


def test_it_raises_the_services_refusal_on_save(world: World) -> None:
    world.draft()
    form = CampaignForm(_campaign_data(world, slug="mirai-cleanup"))
    assert form.is_valid()
    with pytest.raises(ValidationError) as caught:
        form.save(world.personas.analyst.user)
    assert set(caught.value.message_dict) == {"slug"}


def test_it_accepts_a_campaign_with_the_isps_own_goal(world: World) -> None:
    participant = world.active().participants.get(organisation=world.personas.isp_org)
    form = ResponseForm({"answer": "accept", "goal_reduction": "65", "note": "Go"})
    assert form.is_valid(), form.errors
    saved = form.save(world.personas.isp.user, participant)
    assert saved.status == ParticipantStatus.ACCEPTED and saved.goal == 65


def test_it_declines_a_campaign_and_refuses_an_unknown_answer(world: World) -> None:
    participant = world.active().participants.get(organisation=world.personas.isp_org)
    assert not ResponseForm({"answer": "maybe"}).is_valid()
    form = ResponseForm({"answer": "decline"})
    assert form.is_valid()
    assert form.save(world.personas.isp.user, participant).status == ParticipantStatus.DECLINED


def test_it_records_an_action_and_refuses_a_future_day(world: World) -> None:
    participant = world.active().participants.get(organisation=world.personas.isp_org)
    form = ResponseForm({"answer": "accept"})
    form.is_valid()
    form.save(world.personas.isp.user, participant)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert "taken_on" in ActionForm({"kind": "warned", "taken_on": tomorrow}).errors
    action_form = ActionForm({"kind": "sinkholed", "taken_on": TODAY.isoformat(), "count": "4"})
    assert action_form.is_valid(), action_form.errors
    action = action_form.save(world.personas.isp.user, participant)
    assert (action.kind, action.count) == ("sinkholed", 4)


def test_it_bounds_the_action_day_to_the_campaign(world: World) -> None:
    participant = world.active().participants.get(organisation=world.personas.isp_org)
    widget = ActionForm(participant=participant).fields["taken_on"].widget
    attrs = widget.attrs
    assert widget.input_type == "date"  # type: ignore[attr-defined]
    assert attrs["min"] == participant.campaign.starts_on.isoformat()
    assert attrs["max"] == TODAY.isoformat()
