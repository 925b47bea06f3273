"""The campaigns in the back office: authority staff read them, nobody writes there."""

from __future__ import annotations

import pytest
from django.test import Client

from ..conftest import PASSWORD
from .lifecycle_world import World, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

MODELS = ("campaign", "campaignaction", "campaignbaseline", "campaignsnapshot")


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.mark.parametrize("username", ["admin", "analyst"])
def test_it_shows_campaigns_read_only_to_authority_staff(world: World, username: str) -> None:
    campaign = world.active()
    client = _client(username)
    for model in MODELS:
        assert client.get(f"/admin/campaigns/{model}/").status_code == 200
        assert client.get(f"/admin/campaigns/{model}/add/").status_code == 403
    page = client.get(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    assert page.status_code == 200
    assert world.personas.isp_org.name in page.content.decode()
    assert client.post(f"/admin/campaigns/campaign/{campaign.pk}/delete/").status_code == 403


def test_it_keeps_isp_operators_out_of_the_back_office(world: World) -> None:
    response = _client("isp-operator").get("/admin/campaigns/campaign/")
    assert response.status_code == 302
