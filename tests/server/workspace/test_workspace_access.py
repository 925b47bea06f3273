"""Who may open ``/workspace/``: every signed-in role, each its own page; nobody else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from cleannet.server.workspace import views

pytestmark = pytest.mark.django_db


def test_it_sends_an_anonymous_visitor_to_log_in(personas: Any) -> None:
    response = Client().get("/workspace/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/workspace/")


def test_it_refuses_a_deactivated_user(personas: Any) -> None:
    user = personas.isp.user
    client = Client()
    client.force_login(user)
    user.is_active = False
    user.save()
    assert client.get("/workspace/").status_code in (302, 403)


def test_it_refuses_a_user_without_a_role(personas: Any) -> None:
    user = personas.member.user
    user.role = ""
    user.save()
    client = Client()
    client.force_login(user)
    assert client.get("/workspace/").status_code == 403


@pytest.mark.parametrize(
    ("persona", "template"),
    [
        ("admin", "workspace/authority.html"),
        ("analyst", "workspace/authority.html"),
        ("isp", "workspace/isp.html"),
        ("other_isp", "workspace/isp.html"),
        ("member", "workspace/member.html"),
    ],
)
def test_it_gives_each_role_its_own_page(
    persona: str, template: str, signed_in: Callable[[str], Any]
) -> None:
    response = signed_in(persona).get("/workspace/")
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]


def test_it_answers_only_get(signed_in: Callable[[str], Any]) -> None:
    assert signed_in("isp").post("/workspace/").status_code == 405


def test_it_states_the_roles_it_admits() -> None:
    assert views.index.allowed_roles == {  # type: ignore[attr-defined]
        "authority_admin",
        "authority_analyst",
        "isp_operator",
        "org_member",
    }


def test_it_opens_in_vietnamese_by_default(signed_in: Callable[[str], Any]) -> None:
    page = signed_in("isp").get("/workspace/").content.decode()
    assert '<html lang="vi">' in page
