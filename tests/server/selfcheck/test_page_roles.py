"""Every self-check page is public by an explicit decision, and answers GET only."""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from cleannet.server.accounts.access import PUBLIC

pytestmark = pytest.mark.django_db

PAGES = ["/check-ip/", "/tools/", "/statistics/"]


def test_it_gives_every_self_check_route_an_explicit_public_decision() -> None:
    resolver = get_resolver()
    for path in [*PAGES, "/tools/downloads/x.whl"]:
        callback = resolver.resolve(path).func
        assert callback.allowed_roles == frozenset({PUBLIC}), path


@pytest.mark.parametrize("path", PAGES)
def test_it_serves_each_page_to_anonymous_visitors_in_vietnamese(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"


@pytest.mark.parametrize("path", PAGES)
def test_it_refuses_to_be_posted_to(client, path) -> None:
    assert client.post(path, {}).status_code == 405


@pytest.mark.parametrize("persona", ["admin", "analyst", "isp", "other_isp", "member"])
def test_it_serves_the_pages_to_every_signed_in_role(client, personas, persona) -> None:
    client.force_login(getattr(personas, persona).user)
    for path in PAGES:
        assert client.get(path).status_code == 200, path
