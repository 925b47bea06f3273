"""The campaigns' workspace pages: the list, the dashboard and its downloads, per role.

Authority staff see every campaign and every ISP; an ISP operator sees its own tasks and
lines (plus the national total); another ISP's or a draft campaign is "not found" to it;
organisation members are refused and anonymous visitors sent to log in."""

from __future__ import annotations

import datetime as dt
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.urls import NoReverseMatch, include, path, reverse
from django.utils import timezone

from cleannet.server import urls as site_urls
from cleannet.server.accounts.models import Organisation
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    ActionKind,
    Campaign,
    CampaignAction,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(dt.UTC).date()
OWN_BASELINE, OTHER_BASELINE = 4321, 8765  # four-digit figures no chart coordinate spells


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
    """Log ``user`` in with English pages (and English number formats: 1,234)."""
    client.force_login(user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def _campaign(slug: str, status: str = CampaignStatus.ACTIVE) -> Campaign:
    return Campaign.objects.create(
        name=f"Campaign {slug}", slug=slug, status=status,
        starts_on=TODAY - dt.timedelta(days=20), ends_on=TODAY + dt.timedelta(days=70),
        measured_through=TODAY - dt.timedelta(days=1),
    )  # fmt: skip


def _measure(campaign: Campaign, org: Organisation, baseline: int) -> None:
    CampaignBaseline.objects.create(
        campaign=campaign, organisation=org, family=ALL_FAMILIES, addresses=baseline,
        window_start=campaign.starts_on - dt.timedelta(days=7),
        window_end=campaign.starts_on - dt.timedelta(days=1),
    )  # fmt: skip
    for days_ago in (2, 1):
        CampaignSnapshot.objects.create(
            campaign=campaign, organisation=org, day=TODAY - dt.timedelta(days=days_ago),
            family=ALL_FAMILIES, addresses=baseline // 2, addresses_window=baseline // 2,
            sent=50, delivered=40, acknowledged=30, reinfected=3,
            time_to_clean=[1, 2, 3, 4, 5, 6],
        )  # fmt: skip


@pytest.fixture
def world(personas: Any) -> SimpleNamespace:
    """``active``: both ISPs accepted and measured, an action of each; ``draft``: the ISP
    invited; ``invited``: an active campaign the ISP has not answered; ``foreign``: only the
    other ISP takes part."""
    active = _campaign("botnets-2026")
    mine = Participant.objects.create(
        campaign=active, organisation=personas.isp_org, status=ParticipantStatus.ACCEPTED
    )
    theirs = Participant.objects.create(
        campaign=active, organisation=personas.other_isp_org, status=ParticipantStatus.ACCEPTED
    )
    _measure(active, personas.isp_org, OWN_BASELINE)
    _measure(active, personas.other_isp_org, OTHER_BASELINE)
    for participant, text in ((mine, "Our own walled garden"), (theirs, "Their secret plan")):
        CampaignAction.objects.create(
            participant=participant, kind=ActionKind.WALLED_GARDEN,
            taken_on=TODAY - dt.timedelta(days=3), description=text,
        )  # fmt: skip
    draft = _campaign("draft-2026", CampaignStatus.DRAFT)
    Participant.objects.create(campaign=draft, organisation=personas.isp_org)
    invited = _campaign("invited-2026")
    Participant.objects.create(campaign=invited, organisation=personas.isp_org)
    foreign = _campaign("foreign-2026")
    Participant.objects.create(campaign=foreign, organisation=personas.other_isp_org)
    return SimpleNamespace(active=active, draft=draft, invited=invited, foreign=foreign)


def _pages(campaign: Campaign) -> list[str]:
    slug = campaign.slug
    return [
        reverse("campaigns:list"),
        reverse("campaigns:dashboard", args=[slug]),
        reverse("campaigns:export_csv", args=[slug]),
        reverse("campaigns:report_pdf", args=[slug]),
    ]


def test_it_sends_anonymous_visitors_to_log_in(client: Any, world: Any) -> None:
    for page in _pages(world.active):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith("/accounts/login/?next="), page


def test_it_refuses_organisation_members(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.member.user)
    for page in _pages(world.active):
        assert client.get(page).status_code == 403, page


def test_it_hides_drafts_and_other_isps_campaigns_from_an_isp(
    client: Any, personas: Any, world: Any
) -> None:
    client.force_login(personas.isp.user)
    for campaign in (world.draft, world.foreign):
        for page in _pages(campaign)[1:]:
            assert client.get(page).status_code == 404, page
    listed = client.get(reverse("campaigns:list")).content.decode()
    assert world.draft.name not in listed and world.foreign.name not in listed


def test_it_lists_every_campaign_with_its_figures_for_staff(
    client: Any, personas: Any, world: Any
) -> None:
    _english(client, personas.analyst.user)
    html = client.get(reverse("campaigns:list")).content.decode()
    for campaign in (world.active, world.draft, world.invited, world.foreign):
        assert campaign.name in html
    assert "2 / 2" in html  # accepted / invited of the active campaign
    assert f"{OWN_BASELINE + OTHER_BASELINE:,}" in html
    assert "50.0 %" in html  # half the baseline is left
    assert "<caption>" in html and '<th scope="col">' in html


def test_it_lists_an_isps_invitations_first_with_an_answer_form(
    client: Any, personas: Any, world: Any
) -> None:
    client.force_login(personas.isp.user)
    html = client.get(reverse("campaigns:list")).content.decode()
    assert html.index(world.invited.name) < html.index(world.active.name)
    assert reverse("campaigns:respond", args=[world.invited.slug]) in html
    assert reverse("campaigns:respond", args=[world.active.slug]) not in html
    assert "csrfmiddlewaretoken" in html


def test_it_shows_staff_every_isp_on_the_dashboard(client: Any, personas: Any, world: Any) -> None:
    _english(client, personas.analyst.user)
    response = client.get(reverse("campaigns:dashboard", args=[world.active.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert personas.isp_org.name in html and personas.other_isp_org.name in html
    assert "Our own walled garden" in html and "Their secret plan" in html
    assert html.count("<svg") >= 4  # infected, per-ISP bars, notices, re-infections, histogram
    assert "Launch" not in html  # an analyst manages drafts but does not launch


def test_it_shows_an_isp_only_its_own_lines_and_the_national_total(
    client: Any, personas: Any, world: Any
) -> None:
    _english(client, personas.isp.user)
    html = client.get(reverse("campaigns:dashboard", args=[world.active.slug])).content
    page = html.decode()
    assert personas.isp_org.name in page and f"{OWN_BASELINE:,}" in page
    assert personas.other_isp_org.name not in page and f"{OTHER_BASELINE:,}" not in page
    assert "Their secret plan" not in page and "Our own walled garden" in page
    assert "National total" in page
    assert reverse("campaigns:action", args=[world.active.slug]) in page


def test_it_filters_the_dashboard_by_month(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.admin.user)
    url = reverse("campaigns:dashboard", args=[world.active.slug])
    before = world.active.starts_on - dt.timedelta(days=40)
    empty = client.get(url, {"month": f"{before:%Y-%m}"}).content.decode()
    assert "Our own walled garden" not in empty
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.get(url, {"month": "2026-13"})
    assert refused.status_code == 200 and "Choose a month as YYYY-MM." in refused.content.decode()


def test_it_downloads_the_csv_and_the_pdf(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.admin.user)
    slug = world.active.slug
    csv = client.get(reverse("campaigns:export_csv", args=[slug]))
    assert csv.status_code == 200 and csv["Content-Type"].startswith("text/csv")
    assert f'filename="campaign-{slug}.csv"' in csv["Content-Disposition"]
    month = f"{TODAY - dt.timedelta(days=1):%Y-%m}"
    pdf = client.get(reverse("campaigns:report_pdf", args=[slug]), {"month": month})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert f"campaign-{slug}-{month}.pdf" in pdf["Content-Disposition"]


def test_it_gives_an_isp_a_csv_of_its_own_rows(client: Any, personas: Any, world: Any) -> None:
    client.force_login(personas.isp.user)
    csv = client.get(reverse("campaigns:export_csv", args=[world.active.slug])).content.decode()
    assert personas.isp_org.slug in csv or personas.isp_org.name in csv
    assert personas.other_isp_org.slug not in csv and personas.other_isp_org.name not in csv


def test_it_refuses_a_download_for_a_malformed_month(
    client: Any, personas: Any, world: Any
) -> None:
    client.force_login(personas.admin.user)
    response = client.get(
        reverse("campaigns:export_csv", args=[world.active.slug]), {"month": "May"}
    )
    assert response.status_code == 400 and b"month" in response.content
