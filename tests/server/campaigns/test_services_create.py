"""Creating and editing campaign drafts: what the services refuse, naming the field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns import services
from cleannet.server.campaigns.models import CampaignStatus, ParticipantStatus

from .lifecycle_world import TODAY, World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _refused(world: World, **changes: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        world.draft(**changes)
    return caught.value.message_dict


def test_it_creates_a_draft_inviting_every_isp_with_an_audit_entry(world: World) -> None:
    campaign = world.draft(classification_types=["Botnet Drone"])
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.created_by == world.personas.analyst.user
    assert list(campaign.families.all()) == [world.mirai]
    assert campaign.classification_types == ["infected-system"]
    statuses = set(campaign.participants.values_list("organisation__slug", "status"))
    assert statuses == {
        (world.personas.isp_org.slug, ParticipantStatus.INVITED),
        (world.personas.other_isp_org.slug, ParticipantStatus.INVITED),
    }
    entry = AuditEntry.objects.get(action="campaign.create")
    assert entry.actor == world.personas.analyst.user
    assert entry.after["families"] == ["mirai"]
    assert sorted(entry.after["participants"]) == sorted(
        [world.personas.isp_org.slug, world.personas.other_isp_org.slug]
    )


def test_it_accepts_families_and_isps_given_by_slug(world: World) -> None:
    campaign = world.draft(families=["emotet"], participants=[world.personas.isp_org.slug])
    assert list(campaign.families.all()) == [world.emotet]
    assert campaign.participants.get().organisation == world.personas.isp_org


def test_it_refuses_a_duplicate_name_and_slug(world: World) -> None:
    world.draft()
    errors = _refused(world, name="MIRAI CLEANUP")
    assert "name" in errors and "slug" in errors


def test_it_refuses_an_empty_name_and_a_malformed_slug(world: World) -> None:
    errors = _refused(world, name="  ", slug="Not a slug!")
    assert set(errors) == {"name", "slug"}


def test_it_refuses_a_slug_a_page_of_the_site_uses(world: World) -> None:
    assert set(_refused(world, slug="new")) == {"slug"}


def test_it_refuses_an_end_before_the_start(world: World) -> None:
    errors = _refused(world, ends_on=TODAY - dt.timedelta(days=11))
    assert set(errors) == {"ends_on"}


def test_it_refuses_a_campaign_without_families_or_event_types(world: World) -> None:
    assert set(_refused(world, families=[], classification_types=[])) == {"families"}


def test_it_accepts_event_types_alone(world: World) -> None:
    campaign = world.draft(families=[], classification_types=["infected-system"])
    assert campaign.classification_types == ["infected-system"]


def test_it_refuses_an_unknown_event_type_and_family(world: World) -> None:
    errors = _refused(world, families=["no-such-family"], classification_types=["botnett"])
    assert set(errors) == {"families", "classification_types"}
    assert "no-such-family" in errors["families"][0]


def test_it_refuses_participants_that_are_not_isps(world: World) -> None:
    errors = _refused(world, participants=[world.personas.isp_org, world.personas.bank])
    assert set(errors) == {"participants"}
    assert world.personas.bank.name in errors["participants"][0]


def test_it_refuses_a_campaign_without_participants(world: World) -> None:
    assert set(_refused(world, participants=[])) == {"participants"}


def test_it_refuses_an_unknown_participant(world: World) -> None:
    assert set(_refused(world, participants=["nobody-net"])) == {"participants"}


@pytest.mark.parametrize("goal", [0, 101, -5])
def test_it_refuses_a_goal_outside_1_to_100(world: World, goal: int) -> None:
    assert set(_refused(world, goal_reduction=goal)) == {"goal_reduction"}


def test_it_refuses_a_baseline_window_outside_1_to_90_days(world: World) -> None:
    assert set(_refused(world, baseline_days=0)) == {"baseline_days"}
    assert set(_refused(world, baseline_days=91)) == {"baseline_days"}


def test_it_names_every_refused_field_at_once(world: World) -> None:
    errors = _refused(world, name="", goal_reduction=0, participants=[])
    assert {"name", "goal_reduction", "participants"} <= set(errors)


@pytest.mark.parametrize("who", ["isp", "member"])
def test_it_refuses_a_draft_by_anyone_but_authority_staff(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_campaign(
            getattr(world.personas, who).user,
            name="X",
            slug="x",
            starts_on=TODAY,
            ends_on=TODAY,
            families=[world.mirai],
            classification_types=[],
            participants=[world.personas.isp_org],
        )


def test_it_edits_a_draft_and_replaces_its_participants(world: World) -> None:
    campaign = world.draft()
    services.update_campaign(
        world.personas.admin.user,
        campaign,
        name="Mirai and Emotet",
        families=[world.mirai, world.emotet],
        participants=[world.personas.other_isp_org],
        goal_reduction=30,
    )
    campaign.refresh_from_db()
    assert campaign.name == "Mirai and Emotet" and campaign.goal_reduction == 30
    assert set(campaign.families.values_list("slug", flat=True)) == {"mirai", "emotet"}
    assert campaign.participants.get().organisation == world.personas.other_isp_org
    entry = AuditEntry.objects.get(action="campaign.edit")
    assert entry.before["name"] == "Mirai cleanup" and entry.after["goal_reduction"] == 30


def test_it_keeps_its_own_name_when_editing(world: World) -> None:
    campaign = world.draft()
    services.update_campaign(world.personas.analyst.user, campaign, name="Mirai cleanup")
    assert AuditEntry.objects.filter(action="campaign.edit").count() == 1


def test_it_refuses_an_edit_that_removes_every_family_and_type(world: World) -> None:
    campaign = world.draft()
    with pytest.raises(ValidationError) as caught:
        services.update_campaign(world.personas.analyst.user, campaign, families=[])
    assert set(caught.value.message_dict) == {"families"}
    assert list(campaign.families.all()) == [world.mirai]


def test_it_leaves_the_callers_campaign_unchanged_by_a_refused_edit(world: World) -> None:
    campaign = world.draft()
    with pytest.raises(ValidationError):
        services.update_campaign(world.personas.analyst.user, campaign, name="", goal_reduction=0)
    assert (campaign.name, campaign.goal_reduction) == ("Mirai cleanup", 50)


def test_it_refuses_an_unknown_field_as_a_programming_error(world: World) -> None:
    with pytest.raises(TypeError):
        services.update_campaign(world.personas.analyst.user, world.draft(), status="active")


def test_it_lets_an_admin_change_only_summaries_publicity_and_a_later_end_once_launched(
    world: World,
) -> None:
    campaign = world.active()
    later = campaign.ends_on + dt.timedelta(days=7)
    services.update_campaign(
        world.personas.admin.user,
        campaign,
        name=campaign.name,  # unchanged values are no change
        summary_en="Halve Mirai",
        public=False,
        ends_on=later,
    )
    campaign.refresh_from_db()
    assert (campaign.summary_en, campaign.public, campaign.ends_on) == ("Halve Mirai", False, later)
    for change in ({"goal_reduction": 10}, {"families": [world.emotet]}):
        with pytest.raises(ValidationError) as caught:
            services.update_campaign(world.personas.admin.user, campaign, **change)
        assert set(caught.value.message_dict) == set(change)
    with pytest.raises(ValidationError) as caught:
        services.update_campaign(
            world.personas.admin.user, campaign, ends_on=later - dt.timedelta(days=1)
        )
    assert set(caught.value.message_dict) == {"ends_on"}


def test_it_refuses_an_analyst_editing_a_launched_campaign(world: World) -> None:
    campaign = world.active()
    with pytest.raises(PermissionDenied):
        services.update_campaign(world.personas.analyst.user, campaign, summary_en="x")


def test_it_refuses_any_edit_of_a_cancelled_campaign(world: World) -> None:
    campaign = world.draft()
    services.cancel_campaign(world.personas.admin.user, campaign, "Duplicate")
    with pytest.raises(ValidationError) as caught:
        services.update_campaign(world.personas.admin.user, campaign, summary_en="x")
    assert set(caught.value.message_dict) == {"status"}
