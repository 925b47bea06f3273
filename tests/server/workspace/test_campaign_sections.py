"""Campaigns in the workspaces: an ISP operator sees its organisation's campaign tasks with
its own figures only; authority staff see the campaigns under way and the drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cleannet.server.accounts.models import Organisation
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
    Participant,
)
from cleannet.server.workspace.authority import authority_workspace
from cleannet.server.workspace.isp import campaign_tasks

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(dt.UTC).date()


def _campaign(slug: str, status: str = CampaignStatus.ACTIVE) -> Campaign:
    return Campaign.objects.create(
        name=f"Campaign {slug}", slug=slug, status=status, goal_reduction=50,
        starts_on=TODAY - dt.timedelta(days=10), ends_on=TODAY + dt.timedelta(days=80),
        measured_through=TODAY - dt.timedelta(days=1),
    )  # fmt: skip


def _join(campaign: Campaign, org: Organisation, status: str, baseline: int, now: int) -> None:
    Participant.objects.create(campaign=campaign, organisation=org, status=status)
    CampaignBaseline.objects.create(
        campaign=campaign, organisation=org, family=ALL_FAMILIES, addresses=baseline,
        window_start=campaign.starts_on - dt.timedelta(days=7),
        window_end=campaign.starts_on - dt.timedelta(days=1),
    )  # fmt: skip
    CampaignSnapshot.objects.create(
        campaign=campaign, organisation=org, day=TODAY - dt.timedelta(days=1),
        family=ALL_FAMILIES, addresses=now, addresses_window=now,
    )  # fmt: skip


@pytest.fixture
def campaigns(personas: Any) -> dict[str, Campaign]:
    """Song Hong accepted "mirai" (1000 -> 700: 30 %), Phuong Nam too (1000 -> 100: 90 %);
    Song Hong is invited to "mozi", declined "gafgyt"; "draft" is a draft."""
    made = {slug: _campaign(slug) for slug in ("mirai", "mozi", "gafgyt")}
    made["draft"] = _campaign("draft", CampaignStatus.DRAFT)
    _join(made["mirai"], personas.isp_org, "accepted", 1000, 700)
    _join(made["mirai"], personas.other_isp_org, "accepted", 1000, 100)
    _join(made["mozi"], personas.isp_org, "invited", 10, 10)
    _join(made["gafgyt"], personas.isp_org, "declined", 10, 10)
    _join(made["draft"], personas.isp_org, "invited", 10, 10)
    return made


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text
    return client


def test_it_gives_the_isp_its_invitations_and_its_own_reduction(
    personas: Any, campaigns: dict[str, Campaign]
) -> None:
    tasks = campaign_tasks(personas.isp.user)
    assert [task.campaign.slug for task in tasks.invited] == ["mozi"]
    assert [task.campaign.slug for task in tasks.accepted] == ["mirai"]
    mirai = tasks.accepted[0]
    assert mirai.reduction == pytest.approx(30.0)
    assert (mirai.goal, mirai.url) == (50, "/workspace/campaigns/mirai/")


def test_it_shows_the_campaign_tasks_on_the_isp_page(
    signed_in: Callable[[str], Client], campaigns: dict[str, Campaign]
) -> None:
    page = _english(signed_in("isp")).get("/workspace/").content.decode()
    assert 'href="/workspace/campaigns/mozi/"' in page
    assert 'href="/workspace/campaigns/mirai/"' in page
    assert "30.0 %" in page
    assert "90.0 %" not in page and "60.0 %" not in page  # neither the other ISP nor national
    assert "gafgyt" not in page and "/workspace/campaigns/draft/" not in page


def test_it_gives_another_isp_none_of_these_tasks(
    personas: Any, campaigns: dict[str, Campaign]
) -> None:
    tasks = campaign_tasks(personas.other_isp.user)
    assert tasks.invited == []
    assert [(t.campaign.slug, t.reduction) for t in tasks.accepted] == [("mirai", 90.0)]


def test_it_says_when_no_campaign_waits_for_the_isp(signed_in: Callable[[str], Client]) -> None:
    page = _english(signed_in("isp")).get("/workspace/").content.decode()
    assert "No campaign is waiting for you." in page


def test_it_gives_the_authority_the_campaigns_under_way_and_the_drafts(
    personas: Any, campaigns: dict[str, Campaign]
) -> None:
    work = authority_workspace(personas.analyst.user)
    assert work.campaign_drafts == 1
    lines = {line.campaign.slug: line for line in work.campaigns_active}
    assert set(lines) == {"mirai", "mozi", "gafgyt"}
    assert lines["mirai"].reduction == pytest.approx(60.0)  # 2000 -> 800, all ISPs together
    assert lines["mirai"].goal == 50


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_links_the_authority_to_the_campaigns(
    persona: str, signed_in: Callable[[str], Client], campaigns: dict[str, Campaign]
) -> None:
    page = _english(signed_in(persona)).get("/workspace/").content.decode()
    assert 'href="/workspace/campaigns/"' in page
    assert 'href="/workspace/campaigns/mirai/"' in page
    assert "60.0 %" in page
    assert "1 draft" in page
