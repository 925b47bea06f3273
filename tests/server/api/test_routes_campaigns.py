"""``/api/v1/campaigns…``: authority staff see and create every campaign, an administrator
launches; an ISP operator sees its launched campaigns with its own line only, answers and
records actions; refused roles 403, campaigns not yours 404, refused input 400 naming the
field."""

from __future__ import annotations

import datetime as dt
import types
from typing import Any

import pytest
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.campaigns import measure, services
from cleannet.server.campaigns.models import (
    ALL_FAMILIES,
    Campaign,
    CampaignAction,
    CampaignBaseline,
    CampaignSnapshot,
    CampaignStatus,
)
from cleannet.server.intel import families as intel
from cleannet.server.intel.models import MalwareFamily

pytestmark = pytest.mark.django_db

TODAY = timezone.now().astimezone(dt.UTC).date()
START = TODAY - dt.timedelta(days=10)
_URLCONF: list[types.ModuleType] = []


def _urlconf() -> types.ModuleType:
    """The site with the campaigns router mounted, while api/urls.py does not mount it yet."""
    if not _URLCONF:
        from ninja import NinjaAPI

        from cleannet.server import urls as site
        from cleannet.server.api.errors import install_error_handlers
        from cleannet.server.api.routes_campaigns import router

        api = NinjaAPI(urls_namespace="campaigns-test-api", docs_url=None)
        install_error_handlers(api)
        api.add_router("/", router)
        module = types.ModuleType("campaigns_api_test_urls")
        module.urlpatterns = [path("api/v1/", api.urls), *site.urlpatterns]  # type: ignore[attr-defined]
        _URLCONF.append(module)
    return _URLCONF[0]


@pytest.fixture(autouse=True)
def _mounted(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    try:
        reverse("api-v1:list_campaigns")
    except NoReverseMatch:
        settings.ROOT_URLCONF = _urlconf()
    # the measurement has its own tests; launching here only needs the status to move
    monkeypatch.setattr(measure, "fix_baselines", lambda campaign, now=None: 0)


@pytest.fixture
def mirai() -> MalwareFamily:
    return intel.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET)


def _draft(personas: Any, mirai: MalwareFamily, slug: str, *orgs: Any) -> Campaign:
    return services.create_campaign(
        personas.analyst.user, name=slug.title(), slug=slug, starts_on=START,
        ends_on=TODAY + dt.timedelta(days=50), families=[mirai], classification_types=[],
        participants=list(orgs) or [personas.isp_org, personas.other_isp_org],
    )  # fmt: skip


@pytest.fixture
def both(personas: Any, mirai: MalwareFamily) -> Campaign:
    """Active, both ISPs invited."""
    return services.launch_campaign(personas.admin.user, _draft(personas, mirai, "both"))


@pytest.fixture
def others(personas: Any, mirai: MalwareFamily) -> Campaign:
    """Active, only the other ISP invited."""
    campaign = _draft(personas, mirai, "others", personas.other_isp_org)
    return services.launch_campaign(personas.admin.user, campaign)


@pytest.fixture
def draft(personas: Any, mirai: MalwareFamily) -> Campaign:
    return _draft(personas, mirai, "draft")


def _slugs(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["slug"] for item in response.json())


def _field(response: Any) -> str:
    assert response.status_code == 400, response.content
    return str(response.json()["detail"][0]["field"])


# --- Reading ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_campaign_to_authority_staff(
    api_client, personas, both, others, draft, persona
) -> None:
    response = api_client(personas.all()[persona].token).get("/api/v1/campaigns")
    assert _slugs(response) == ["both", "draft", "others"]
    assert next(c for c in response.json() if c["slug"] == "both")["families"] == ["mirai"]


def test_it_lists_only_its_launched_campaigns_to_an_isp_operator(
    api_client, personas, both, others, draft
) -> None:
    assert _slugs(api_client(personas.isp.token).get("/api/v1/campaigns")) == ["both"]


READS = ("", "/progress", "/snapshots")


def test_it_refuses_reading_to_members_and_visitors(api_client, personas, both) -> None:
    for url in ["/api/v1/campaigns", *(f"/api/v1/campaigns/both{suffix}" for suffix in READS)]:
        assert api_client(personas.member.token).get(url).status_code == 403, url
        assert api_client(None).get(url).status_code == 401, url


@pytest.mark.parametrize("slug", ["others", "draft", "missing"])
def test_it_answers_404_for_a_campaign_not_the_isps(
    api_client, personas, others, draft, slug
) -> None:
    client = api_client(personas.isp.token)
    for suffix in READS:
        assert client.get(f"/api/v1/campaigns/{slug}{suffix}").status_code == 404, suffix


def test_it_shows_an_isp_its_own_participation_and_only_the_others_status(
    api_client, personas, both
) -> None:
    response = api_client(personas.isp.token).get("/api/v1/campaigns/both")

    assert response.status_code == 200, response.content
    participants = {p["organisation"]: p for p in response.json()["participants"]}
    assert participants["song-hong-net"]["goal"] == 50
    other = participants["phuong-nam-net"]
    assert (other["status"], other["goal"], other["responded_at"]) == ("invited", None, None)


def _measured(campaign: Campaign, personas: Any) -> None:
    """Two measured days: each ISP's combined row and a Mirai row on the first day."""
    campaign.measured_through = START + dt.timedelta(days=1)
    campaign.save()
    for org, baseline in [(personas.isp_org, 400), (personas.other_isp_org, 600)]:
        CampaignBaseline.objects.create(
            campaign=campaign, organisation=org, family=ALL_FAMILIES, addresses=baseline,
            window_start=START - dt.timedelta(days=7), window_end=START - dt.timedelta(days=1),
        )  # fmt: skip
        for offset, family in [(0, ALL_FAMILIES), (0, "mirai"), (1, ALL_FAMILIES)]:
            CampaignSnapshot.objects.create(
                campaign=campaign, organisation=org, day=START + dt.timedelta(days=offset),
                family=family, addresses=baseline // 4, addresses_window=baseline // 2,
                acknowledged=3, time_to_clean=[1, 2, 0, 0, 0, 0],
            )  # fmt: skip


def test_it_gives_authority_staff_every_isps_progress(api_client, personas, both) -> None:
    _measured(both, personas)

    response = api_client(personas.analyst.token).get("/api/v1/campaigns/both/progress")

    assert response.status_code == 200, response.content
    progress = response.json()
    assert (progress["baseline"], progress["current"], progress["reduction"]) == (1000, 500, 50.0)
    lines = {isp["organisation"]: isp for isp in progress["isps"]}
    assert set(lines) == {"song-hong-net", "phuong-nam-net"}
    assert lines["phuong-nam-net"]["baseline"] == 600
    assert progress["time_to_clean"] == [4, 8, 0, 0, 0, 0]  # 2 ISPs x 2 days, combined rows


def test_it_gives_an_isp_the_national_figures_and_only_its_own_line(
    api_client, personas, both
) -> None:
    _measured(both, personas)

    progress = api_client(personas.isp.token).get("/api/v1/campaigns/both/progress").json()

    assert progress["baseline"] == 1000  # national
    [line] = progress["isps"]
    assert (line["organisation"], line["baseline"], line["current"]) == ("song-hong-net", 400, 200)


def test_it_refuses_a_period_ending_before_it_starts(api_client, personas, both) -> None:
    client = api_client(personas.admin.token)
    period = {"since": TODAY.isoformat(), "until": START.isoformat()}
    assert _field(client.get("/api/v1/campaigns/both/progress", **period)) == "since"
    assert _field(client.get("/api/v1/campaigns/both/snapshots", **period)) == "since"


def _rows(response: Any) -> list[tuple[str, str, str | None]]:
    assert response.status_code == 200, response.content
    return [(r["organisation"], r["day"], r["family"]) for r in response.json()["items"]]


def test_it_pages_and_filters_snapshot_rows(api_client, personas, both) -> None:
    _measured(both, personas)
    client, url = api_client(personas.admin.token), "/api/v1/campaigns/both/snapshots"
    first, second = START.isoformat(), (START + dt.timedelta(days=1)).isoformat()

    page = client.get(url, limit=2, offset=1)
    assert page.json()["count"] == 6 and len(page.json()["items"]) == 2
    assert _rows(client.get(url, family="mirai")) == [
        ("phuong-nam-net", first, "mirai"), ("song-hong-net", first, "mirai"),
    ]  # fmt: skip
    combined = client.get(url, family="*", organisation="song-hong-net", since=second)
    assert _rows(combined) == [("song-hong-net", second, None)]
    assert page.json()["items"][0]["time_to_clean"] == [1, 2, 0, 0, 0, 0]


def test_it_gives_an_isp_only_its_own_snapshot_rows(api_client, personas, both) -> None:
    _measured(both, personas)
    client, url = api_client(personas.isp.token), "/api/v1/campaigns/both/snapshots"

    assert {row[0] for row in _rows(client.get(url))} == {"song-hong-net"}
    assert _rows(client.get(url, organisation="phuong-nam-net")) == []


# --- Creating and launching ------------------------------------------------------------


def _new(**changes: Any) -> dict[str, Any]:
    body = {
        "name": "Gafgyt sweep", "slug": "gafgyt-sweep", "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=30)).isoformat(), "families": ["mirai"],
        "participants": ["song-hong-net"], "goal_reduction": 40,
    }  # fmt: skip
    return {**body, **changes}


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_creates_a_draft_for_authority_staff(api_client, personas, mirai, persona) -> None:
    response = api_client(personas.all()[persona].token).post("/api/v1/campaigns", _new())

    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["goal_reduction"], created["families"]) == (
        "draft", 40, ["mirai"],
    )  # fmt: skip
    assert [p["organisation"] for p in created["participants"]] == ["song-hong-net"]
    assert AuditEntry.objects.filter(action="campaign.create").count() == 1


@pytest.mark.parametrize("persona", ["isp", "member"])
def test_it_refuses_creating_to_anyone_but_authority_staff(
    api_client, personas, mirai, persona
) -> None:
    response = api_client(personas.all()[persona].token).post("/api/v1/campaigns", _new())
    assert response.status_code == 403
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": (TODAY - dt.timedelta(days=1)).isoformat()}, "ends_on"),
        ({"participants": ["nobody"]}, "participants"),
        ({"families": ["no-such-family"]}, "families"),
        ({"goal_reduction": 0}, "goal_reduction"),
        ({"slug": "Not A Slug"}, "slug"),
    ],
)
def test_it_refuses_a_bad_campaign_naming_the_field(
    api_client, personas, mirai, change, field
) -> None:
    response = api_client(personas.admin.token).post("/api/v1/campaigns", _new(**change))
    assert _field(response) == field
    assert not Campaign.objects.exists()


def test_it_launches_a_draft_for_an_authority_administrator(api_client, personas, draft) -> None:
    response = api_client(personas.admin.token).post("/api/v1/campaigns/draft/launch", {})

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active"
    assert Campaign.objects.get(slug="draft").status == CampaignStatus.ACTIVE


@pytest.mark.parametrize("persona", ["analyst", "isp", "member"])
def test_it_refuses_launching_to_anyone_else(api_client, personas, draft, persona) -> None:
    response = api_client(personas.all()[persona].token).post("/api/v1/campaigns/draft/launch", {})
    assert response.status_code == 403
    assert Campaign.objects.get(slug="draft").status == CampaignStatus.DRAFT


def test_it_refuses_launching_twice_naming_the_status(api_client, personas, both) -> None:
    client = api_client(personas.admin.token)
    assert _field(client.post("/api/v1/campaigns/both/launch", {})) == "status"
    assert client.post("/api/v1/campaigns/missing/launch", {}).status_code == 404


# --- The ISP's answer and actions -------------------------------------------------------


def test_it_records_an_isps_acceptance_with_its_own_goal(api_client, personas, both) -> None:
    body = {"accept": True, "goal_reduction": 30, "note": "Walled garden from Monday."}

    response = api_client(personas.isp.token).post("/api/v1/campaigns/both/response", body)

    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["goal"]) == ("accepted", 30)
    assert AuditEntry.objects.filter(action="participant.accept").count() == 1


@pytest.mark.parametrize("persona", ["admin", "analyst", "member"])
@pytest.mark.parametrize("suffix", ["response", "actions"])
def test_it_refuses_answering_to_anyone_but_an_isp_operator(
    api_client, personas, both, persona, suffix
) -> None:
    body = {"accept": True} if suffix == "response" else {"kind": "other", "taken_on": str(TODAY)}
    response = api_client(personas.all()[persona].token).post(
        f"/api/v1/campaigns/both/{suffix}", body
    )
    assert response.status_code == 403


@pytest.mark.parametrize("slug", ["others", "draft"])
@pytest.mark.parametrize("suffix", ["response", "actions"])
def test_it_answers_404_to_an_isp_not_taking_part(
    api_client, personas, others, draft, slug, suffix
) -> None:
    body = {"accept": True} if suffix == "response" else {"kind": "other", "taken_on": str(TODAY)}
    response = api_client(personas.isp.token).post(f"/api/v1/campaigns/{slug}/{suffix}", body)
    assert response.status_code == 404


def test_it_refuses_a_goal_out_of_range_naming_it(api_client, personas, both) -> None:
    body = {"accept": True, "goal_reduction": 150}
    assert _field(api_client(personas.isp.token).post("/api/v1/campaigns/both/response", body)) == (
        "goal_reduction"
    )


def test_it_records_an_action_once_the_isp_accepted(api_client, personas, both) -> None:
    client = api_client(personas.isp.token)
    action = {"kind": "walled_garden", "taken_on": str(TODAY), "count": 120}
    assert _field(client.post("/api/v1/campaigns/both/actions", action)) == "status"

    client.post("/api/v1/campaigns/both/response", {"accept": True})
    response = client.post("/api/v1/campaigns/both/actions", action)

    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["count"]) == ("walled_garden", 120)
    stored = CampaignAction.objects.get()
    assert stored.participant.organisation == personas.isp_org


@pytest.mark.parametrize(
    ("change", "field"),
    [({"kind": "prayed"}, "kind"), ({"taken_on": str(TODAY + dt.timedelta(days=1))}, "taken_on")],
)
def test_it_refuses_a_bad_action_naming_the_field(
    api_client, personas, both, change, field
) -> None:
    client = api_client(personas.isp.token)
    client.post("/api/v1/campaigns/both/response", {"accept": True})
    action = {"kind": "other", "taken_on": str(TODAY), **change}

    assert _field(client.post("/api/v1/campaigns/both/actions", action)) == field
    assert not CampaignAction.objects.exists()
