"""Who sees which campaign: staff everything, an ISP its own launched ones, the public the
public active or finished ones."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from cleannet.server.campaigns import access, services
from cleannet.server.campaigns.models import Campaign

from .lifecycle_world import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _slugs(campaigns: object) -> set[str]:
    return {c.slug for c in campaigns}  # type: ignore[attr-defined]


@pytest.fixture
def campaigns(world: World) -> dict[str, Campaign]:
    admin = world.personas.admin.user
    made = {
        "draft": world.draft(slug="draft", name="Draft"),
        "shared": world.active(slug="shared", name="Shared"),
        "theirs": world.active(
            slug="theirs", name="Theirs", participants=[world.personas.other_isp_org]
        ),
        "hidden": world.active(slug="hidden", name="Hidden", public=False),
        "finished": world.active(slug="finished", name="Finished"),
        "cancelled": world.active(slug="cancelled", name="Cancelled"),
    }
    services.finish_campaign(admin, made["finished"])
    services.cancel_campaign(admin, made["cancelled"], "Duplicate")
    return made


def test_it_shows_authority_staff_every_campaign(world: World, campaigns: dict) -> None:
    for persona in (world.personas.admin, world.personas.analyst):
        assert _slugs(access.visible_campaigns(persona.user)) == set(campaigns)


def test_it_shows_an_isp_its_launched_campaigns_only(world: World, campaigns: dict) -> None:
    seen = _slugs(access.visible_campaigns(world.personas.isp.user))
    assert seen == {"shared", "hidden", "finished", "cancelled"}
    other = _slugs(access.visible_campaigns(world.personas.other_isp.user))
    assert "theirs" in other and "draft" not in other


def test_it_shows_members_and_visitors_no_campaign_in_the_workspace(
    world: World, campaigns: dict
) -> None:
    assert not access.visible_campaigns(world.personas.member.user).exists()
    assert not access.visible_campaigns(AnonymousUser()).exists()
    world.personas.isp.user.is_active = False
    assert not access.visible_campaigns(world.personas.isp.user).exists()


def test_it_lists_public_active_and_finished_campaigns_for_the_public(campaigns: dict) -> None:
    assert _slugs(access.public_campaigns()) == {"shared", "theirs", "finished"}


def test_it_finds_the_participation_of_an_isp_operator_only(world: World, campaigns: dict) -> None:
    shared = campaigns["shared"]
    participant = access.participant_for(world.personas.isp.user, shared)
    assert participant is not None and participant.organisation == world.personas.isp_org
    assert access.participant_for(world.personas.isp.user, campaigns["theirs"]) is None
    assert access.participant_for(world.personas.isp.user, campaigns["draft"]) is None
    assert access.participant_for(world.personas.admin.user, shared) is None
    assert access.participant_for(AnonymousUser(), shared) is None


def test_it_lets_staff_manage_and_only_admins_launch(world: World) -> None:
    personas = world.personas
    assert [access.can_manage(p.user) for p in personas.all().values()] == [
        True, True, False, False, False,
    ]  # fmt: skip
    assert [access.can_launch(p.user) for p in personas.all().values()] == [
        True, False, False, False, False,
    ]  # fmt: skip
    assert not access.can_manage(AnonymousUser()) and not access.can_launch(None)
