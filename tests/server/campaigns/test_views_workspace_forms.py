"""The campaigns' workspace forms: staff create and edit drafts, administrators launch,
finish and cancel, ISP operators answer and record actions; a refused form shows the field's
error, and the wrong role is refused (another ISP: not found)."""

from __future__ import annotations

import datetime as dt
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from cleannet.server import urls as site_urls
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignAction,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(dt.UTC).date()


@pytest.fixture(autouse=True)
def _mounted(settings: Any) -> None:
    """Mount the pages at /workspace/campaigns/ while the site map does not yet."""
    try:
        reverse("campaigns:list")
    except NoReverseMatch:
        mounted = [path("workspace/campaigns/", include("cleannet.server.campaigns.urls"))]
        urlconf = ModuleType("site_with_campaigns")  # a module: the resolver cache hashes it
        urlconf.urlpatterns = mounted + site_urls.urlpatterns  # type: ignore[attr-defined]
        settings.ROOT_URLCONF = urlconf


def _english(client: Any, user: Any) -> None:
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def _campaign(slug: str, status: str, starts_in: int = -5) -> Campaign:
    return Campaign.objects.create(
        name=f"Campaign {slug}", slug=slug, status=status,
        classification_types=["infected-system"],
        starts_on=TODAY + dt.timedelta(days=starts_in), ends_on=TODAY + dt.timedelta(days=60),
    )  # fmt: skip


@pytest.fixture
def world(personas: Any) -> SimpleNamespace:
    """``draft`` (starting in 10 days) and ``active`` campaigns with the ISP invited to both
    and the other ISP accepted in the active one."""
    draft = _campaign("draft-2026", CampaignStatus.DRAFT, starts_in=10)
    Participant.objects.create(campaign=draft, organisation=personas.isp_org)
    active = _campaign("active-2026", CampaignStatus.ACTIVE)
    invited = Participant.objects.create(campaign=active, organisation=personas.isp_org)
    Participant.objects.create(
        campaign=active, organisation=personas.other_isp_org, status=ParticipantStatus.ACCEPTED
    )
    return SimpleNamespace(draft=draft, active=active, invited=invited)


def _draft_post(personas: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Mirai spring cleaning", "slug": "mirai-spring",
        "classification_types": ["infected-system"],
        "starts_on": (TODAY + dt.timedelta(days=7)).isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=97)).isoformat(),
        "participants": [personas.isp_org.pk, personas.other_isp_org.pk],
        "goal_reduction": "50", "baseline_days": "7", "public": "on",
    }  # fmt: skip
    return data | changes


def test_it_creates_a_draft_for_staff(client: Any, personas: Any) -> None:
    client.force_login(personas.analyst.user)
    assert client.get(reverse("campaigns:new")).status_code == 200
    response = client.post(reverse("campaigns:new"), _draft_post(personas))
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="mirai-spring")
    assert campaign.status == CampaignStatus.DRAFT
    assert response["Location"] == reverse("campaigns:dashboard", args=[campaign.slug])
    assert campaign.participants.count() == 2


def test_it_shows_the_field_error_of_a_refused_draft(client: Any, personas: Any) -> None:
    _english(client, personas.analyst.user)
    ends = (TODAY - dt.timedelta(days=30)).isoformat()
    response = client.post(reverse("campaigns:new"), _draft_post(personas, ends_on=ends))
    assert response.status_code == 400
    assert "The campaign must end on or after its start." in response.content.decode()
    assert not Campaign.objects.filter(slug="mirai-spring").exists()


def test_it_refuses_the_draft_forms_to_other_roles(client: Any, personas: Any, world: Any) -> None:
    pages = [reverse("campaigns:new"), reverse("campaigns:edit", args=[world.draft.slug])]
    for page in pages:
        assert client.get(page)["Location"].startswith("/accounts/login/"), page
    for persona in (personas.isp, personas.member):
        client.force_login(persona.user)
        for page in pages:
            assert client.get(page).status_code == 403, page
            assert client.post(page, _draft_post(personas)).status_code == 403, page


def test_it_edits_a_draft(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.analyst.user)
    url = reverse("campaigns:edit", args=[world.draft.slug])
    assert "Campaign draft-2026" in client.get(url).content.decode()
    data = _draft_post(personas, name="Renamed", slug=world.draft.slug)
    assert client.post(url, data).status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.name == "Renamed"


def test_it_lets_only_administrators_launch(client: Any, personas: Any, world: Any) -> None:
    url = reverse("campaigns:launch", args=[world.draft.slug])
    for persona in (personas.analyst, personas.isp, personas.member):
        client.force_login(persona.user)
        assert client.post(url).status_code == 403
    client.force_login(personas.admin.user)
    assert client.get(url).status_code == 405  # a button, never a link
    assert client.post(url).status_code == 302
    world.draft.refresh_from_db()
    assert world.draft.status == CampaignStatus.ACTIVE


def test_it_finishes_an_active_campaign(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.admin.user)
    assert client.post(reverse("campaigns:finish", args=[world.active.slug])).status_code == 302
    world.active.refresh_from_db()
    assert world.active.status == CampaignStatus.FINISHED


def test_it_cancels_only_with_a_reason(client: Any, personas: Any, world: Any) -> None:
    _english(client, personas.admin.user)
    url = reverse("campaigns:cancel", args=[world.active.slug])
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    assert client.post(url, {"reason": "Merged into a larger drive"}).status_code == 302
    world.active.refresh_from_db()
    assert world.active.status == CampaignStatus.CANCELLED


def test_it_records_an_isps_acceptance(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.isp.user)
    back = reverse("campaigns:list")
    data = {"answer": "accept", "goal_reduction": "60", "note": "", "next": back}
    response = client.post(reverse("campaigns:respond", args=[world.active.slug]), data)
    assert response.status_code == 302 and response["Location"] == back
    world.invited.refresh_from_db()
    assert world.invited.status == ParticipantStatus.ACCEPTED and world.invited.goal == 60


def test_it_shows_the_field_error_of_a_refused_answer(
    client: Any, personas: Any, world: Any
) -> None:
    _english(client, personas.isp.user)
    data = {"answer": "accept", "goal_reduction": "0"}
    response = client.post(reverse("campaigns:respond", args=[world.active.slug]), data)
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    world.invited.refresh_from_db()
    assert world.invited.status == ParticipantStatus.INVITED


def test_it_refuses_answers_from_others(client: Any, personas: Any, world: Any) -> None:
    data = {"answer": "decline"}
    url = reverse("campaigns:respond", args=[world.draft.slug])
    client.force_login(personas.isp.user)
    assert client.post(url, data).status_code == 404  # a draft is not a task yet
    client.force_login(personas.analyst.user)
    assert client.post(url, data).status_code == 403
    client.force_login(personas.other_isp.user)
    assert client.post(url, data).status_code == 404


def test_it_records_an_action_of_an_isp_that_accepted(
    client: Any, personas: Any, world: Any
) -> None:
    world.invited.status = ParticipantStatus.ACCEPTED
    world.invited.save()
    client.force_login(personas.isp.user)
    data = {"kind": "walled_garden", "taken_on": TODAY.isoformat(), "count": "120"}
    response = client.post(reverse("campaigns:action", args=[world.active.slug]), data)
    assert response.status_code == 302
    action = CampaignAction.objects.get()
    assert action.participant == world.invited and action.count == 120


def test_it_shows_the_field_error_of_a_refused_action(
    client: Any, personas: Any, world: Any
) -> None:
    world.invited.status = ParticipantStatus.ACCEPTED
    world.invited.save()
    _english(client, personas.isp.user)
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    data = {"kind": "walled_garden", "taken_on": future}
    response = client.post(reverse("campaigns:action", args=[world.active.slug]), data)
    assert response.status_code == 400
    assert "The day cannot be in the future." in response.content.decode()
    assert not CampaignAction.objects.exists()


def test_it_refuses_actions_from_other_roles(client: Any, personas: Any, world: Any) -> None:
    url = reverse("campaigns:action", args=[world.active.slug])
    data = {"kind": "other", "taken_on": TODAY.isoformat()}
    assert client.post(url, data)["Location"].startswith("/accounts/login/")
    client.force_login(personas.member.user)
    assert client.post(url, data).status_code == 403
    client.force_login(personas.admin.user)
    assert client.post(url, data).status_code == 403
    foreign = _campaign("foreign-2026", CampaignStatus.ACTIVE)
    Participant.objects.create(campaign=foreign, organisation=personas.other_isp_org)
    client.force_login(personas.isp.user)
    foreign_url = reverse("campaigns:action", args=[foreign.slug])
    assert client.post(foreign_url, data).status_code == 404
    assert not CampaignAction.objects.exists()
