"""The public campaign pages: public campaigns only, national figures only, the summary in
the page's language, the participating ISPs with their answer and nothing of their own."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cleannet.server.accounts import services as account_services
from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.encyclopedia.models import FamilyProfile
from cleannet.server.intel.families import add_family
from cleannet.server.intel.models import MalwareFamily

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(dt.UTC).date()
# Each ISP's own figures: four-digit numbers that a chart's coordinates never spell.
OWN = {"isp_org": (1234, 1717, 1111), "other_isp_org": (4321, 2929, 1313)}
"""organisation: (baseline, current window, warnings sent on the last day)."""


def _campaign(slug: str, *, status: str = CampaignStatus.ACTIVE, public: bool = True) -> Campaign:
    return Campaign.objects.create(
        name=f"Campaign {slug}",
        slug=slug,
        summary_vi="Cùng nhau dọn sạch các thiết bị nhiễm Mirai.",
        summary_en="Together we clean the devices infected with Mirai.",
        starts_on=TODAY - dt.timedelta(days=10),
        ends_on=TODAY + dt.timedelta(days=80),
        goal_reduction=50,
        status=status,
        public=public,
        measured_through=TODAY - dt.timedelta(days=1),
    )


def _measured(campaign: Campaign, org: Organisation, figures: tuple[int, int, int]) -> None:
    baseline, current, sent = figures
    CampaignBaseline.objects.create(
        campaign=campaign, organisation=org, family=ALL_FAMILIES, addresses=baseline,
        window_start=campaign.starts_on - dt.timedelta(days=7),
        window_end=campaign.starts_on - dt.timedelta(days=1),
    )  # fmt: skip
    for days_ago, window in ((2, baseline), (1, current)):
        CampaignSnapshot.objects.create(
            campaign=campaign, organisation=org, day=TODAY - dt.timedelta(days=days_ago),
            family=ALL_FAMILIES, addresses=window, addresses_window=window,
            sent=sent, delivered=sent, acknowledged=7, reinfected=2,
        )  # fmt: skip


def _isp(name: str) -> Organisation:
    return account_services.create_organisation(None, name, OrganisationKind.ISP)


@pytest.fixture
def mirai(personas: Any) -> Campaign:
    """An active public campaign on Mirai (which has an encyclopedia page) and a family
    without one; Song Hong and Phuong Nam accepted and are measured, Mekong Net is invited,
    Cuu Long Net declined."""
    campaign = _campaign("mirai-2026")
    page = FamilyProfile.objects.get(name="Mirai")
    family = page.family or add_family(None, "Mirai", "botnet")
    campaign.families.set([family, add_family(None, "Zetabot", "botnet")])
    for name, (baseline, current, sent) in OWN.items():
        org = getattr(personas, name)
        Participant.objects.create(campaign=campaign, organisation=org, status="accepted")
        _measured(campaign, org, (baseline, current, sent))
    Participant.objects.create(campaign=campaign, organisation=_isp("Mekong Net"))
    declined = ParticipantStatus.DECLINED
    Participant.objects.create(
        campaign=campaign, organisation=_isp("Cuu Long Net"), status=declined
    )
    return campaign


def _english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(path: str, client: Client | None = None) -> str:
    response = (client or _english()).get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_public_campaigns_active_first_with_their_reduction(mirai: Campaign) -> None:
    finished = _campaign("botnet-2025", status=CampaignStatus.FINISHED)
    finished.starts_on = TODAY + dt.timedelta(days=1)  # a later start must not put it first
    finished.save()
    page = _page("/campaigns/")
    assert page.index("/campaigns/mirai-2026/") < page.index("/campaigns/botnet-2025/")
    # National: baseline 1234 + 4321 = 5555, now 1717 + 2929 = 4646, so 16.4 % fewer.
    assert "16.4 %" in page
    assert "50 %" in page


def test_it_lists_neither_drafts_nor_cancelled_nor_private_campaigns(mirai: Campaign) -> None:
    _campaign("draft-one", status=CampaignStatus.DRAFT)
    _campaign("cancelled-one", status=CampaignStatus.CANCELLED)
    _campaign("private-one", public=False)
    page = _page("/campaigns/")
    assert "/campaigns/mirai-2026/" in page
    for slug in ("draft-one", "cancelled-one", "private-one"):
        assert slug not in page


@pytest.mark.parametrize(
    ("status", "public"),
    [
        (CampaignStatus.DRAFT, True),
        (CampaignStatus.CANCELLED, True),
        (CampaignStatus.ACTIVE, False),
    ],
)
def test_it_answers_404_for_a_campaign_that_is_not_public(
    personas: Any, status: str, public: bool
) -> None:
    _campaign("hidden", status=status, public=public)
    assert Client().get("/campaigns/hidden/").status_code == 404


def test_it_answers_404_for_an_unknown_campaign(db: Any) -> None:
    assert Client().get("/campaigns/no-such-campaign/").status_code == 404


def test_it_shows_the_national_progress_and_charts(mirai: Campaign) -> None:
    page = _page("/campaigns/mirai-2026/")
    assert "Together we clean the devices infected with Mirai." in page
    assert "5,555" in page and "4,646" in page  # baseline and now, all ISPs together
    assert "16.4 %" in page
    assert "2,424" in page  # warnings sent on the last day, all ISPs together
    assert page.count("<svg") >= 2


def test_it_shows_no_figure_of_a_single_isp(mirai: Campaign) -> None:
    page = _page("/campaigns/mirai-2026/")
    for figures in OWN.values():
        for n in figures:
            assert str(n) not in page and f"{n:,}" not in page


def test_it_names_the_isps_with_their_answer_but_not_those_that_declined(
    mirai: Campaign,
) -> None:
    page = _page("/campaigns/mirai-2026/")
    assert "Song Hong Net — Accepted" in page
    assert "Phuong Nam Net — Accepted" in page
    assert "Mekong Net — Invited" in page
    assert "Cuu Long Net" not in page


def test_it_links_families_to_their_encyclopedia_page_when_there_is_one(mirai: Campaign) -> None:
    page = _page("/campaigns/mirai-2026/")
    slug = FamilyProfile.objects.get(name="Mirai").slug
    assert f'<a href="/malware/{slug}/">Mirai</a>' in page
    assert "Zetabot" in page
    assert "/malware/zetabot/" not in page
    assert MalwareFamily.objects.filter(name="Zetabot").exists()


def test_it_tells_the_visitor_what_they_can_do(mirai: Campaign) -> None:
    page = _page("/campaigns/mirai-2026/")
    assert 'href="/check-ip/"' in page and 'href="/tools/"' in page


def test_it_shows_the_summary_in_the_pages_language(mirai: Campaign) -> None:
    vietnamese = _page("/campaigns/mirai-2026/", Client())
    assert "Cùng nhau dọn sạch các thiết bị nhiễm Mirai." in vietnamese
    assert "Together we clean" not in vietnamese
    english = _page("/campaigns/mirai-2026/")
    assert "Cùng nhau" not in english


def test_it_lets_shared_caches_keep_an_anonymous_visitors_page(mirai: Campaign) -> None:
    response = Client().get("/campaigns/mirai-2026/")
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]


def test_it_keeps_a_signed_in_users_page_private(mirai: Campaign, personas: Any) -> None:
    client = Client()
    client.force_login(personas.member.user)
    response = client.get("/campaigns/")
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_it_answers_an_empty_list_without_failing(db: Any) -> None:
    assert "No public campaign yet." in _page("/campaigns/")


def test_it_refuses_to_change_anything(mirai: Campaign) -> None:
    assert Client().post("/campaigns/mirai-2026/").status_code == 405
