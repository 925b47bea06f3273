"""Personas shared by the server tests: one user per role, each with an API token.

``personas`` gives a namespace: ``admin`` and ``analyst`` (authority), ``isp`` and
``other_isp`` (operators of two different ISPs), ``member`` (a bank's member); and the
organisations ``authority``, ``isp_org``, ``other_isp_org``, ``bank``. ``api_client``
sends requests with a persona's bearer token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from cleannet.core.event import Event
from cleannet.server.accounts import services
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.networks import services as network_services
from cleannet.server.networks.models import AutonomousSystem, Prefix

PASSWORD = "correct-horse-battery-staple-42"


@dataclass
class Persona:
    user: User
    token: str


@dataclass
class Personas:
    authority: Organisation
    isp_org: Organisation
    other_isp_org: Organisation
    bank: Organisation
    admin: Persona
    analyst: Persona
    isp: Persona
    other_isp: Persona
    member: Persona

    def all(self) -> dict[str, Persona]:
        return {
            "admin": self.admin,
            "analyst": self.analyst,
            "isp": self.isp,
            "other_isp": self.other_isp,
            "member": self.member,
        }


def _persona(username: str, role: str, org: Organisation) -> Persona:
    user = services.create_user(None, username, f"{username}@example.org", PASSWORD, role, org)
    return Persona(user=user, token=services.issue_api_token(None, user, "tests").token)


@pytest.fixture
def personas(db: Any) -> Personas:
    authority = services.create_organisation(None, "Authority", OrganisationKind.AUTHORITY)
    isp_org = services.create_organisation(None, "Song Hong Net", OrganisationKind.ISP)
    other_isp_org = services.create_organisation(None, "Phuong Nam Net", OrganisationKind.ISP)
    bank = services.create_organisation(None, "Demo Bank", OrganisationKind.BANK)
    return Personas(
        authority=authority,
        isp_org=isp_org,
        other_isp_org=other_isp_org,
        bank=bank,
        admin=_persona("admin", Role.AUTHORITY_ADMIN, authority),
        analyst=_persona("analyst", Role.AUTHORITY_ANALYST, authority),
        isp=_persona("isp-operator", Role.ISP_OPERATOR, isp_org),
        other_isp=_persona("other-isp-operator", Role.ISP_OPERATOR, other_isp_org),
        member=_persona("bank-member", Role.ORG_MEMBER, bank),
    )


class ApiClient:
    """A Django test client that sends a bearer token with every request."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, payload: Any) -> Any:
        return self.client.post(
            path, payload, content_type="application/json", headers=self.headers
        )


@pytest.fixture
def api_client() -> type[ApiClient]:
    return ApiClient


# --- Networks and events shared by the networks, intel and API tests -----------------

HELD_SINCE = dt.date(2020, 1, 1)


@dataclass
class Networks:
    """Address space of the two ISP personas (documentation ranges, held since 2020).

    ``isp_org`` holds 203.0.113.0/24 (AS64500) and 2001:db8:a::/48; ``other_isp_org``
    holds 198.51.100.0/24 (AS64501).
    """

    isp_as: AutonomousSystem
    other_as: AutonomousSystem
    isp_v4: Prefix
    isp_v6: Prefix
    other_v4: Prefix


@pytest.fixture
def networks(personas: Personas) -> Networks:
    isp_as = network_services.add_autonomous_system(None, "AS64500", "Song Hong", personas.isp_org)
    other_as = network_services.add_autonomous_system(
        None, 64501, "Phuong Nam", personas.other_isp_org
    )
    return Networks(
        isp_as=isp_as,
        other_as=other_as,
        isp_v4=network_services.add_prefix(
            None, "203.0.113.0/24", personas.isp_org, HELD_SINCE, asn=isp_as
        ),
        isp_v6=network_services.add_prefix(
            None, "2001:db8:a::/48", personas.isp_org, HELD_SINCE, asn=isp_as
        ),
        other_v4=network_services.add_prefix(
            None, "198.51.100.0/24", personas.other_isp_org, HELD_SINCE, asn=other_as
        ),
    )


@pytest.fixture
def make_event() -> Callable[..., Event]:
    """Return a factory of valid core events.

    Give dotted names in a dict, or as keywords with dots written as underscores
    (``source_ip="203.0.113.5"``); the defaults fill ``feed.name``, ``time.source``
    and ``classification.type``.
    """

    def make(dotted: dict[str, Any] | None = None, /, **fields: Any) -> Event:
        values: dict[str, Any] = {
            "feed.name": "test-feed",
            "time.source": "2026-03-01T08:00:00+00:00",
            "classification.type": "infected-system",
        }
        values.update({name.replace("_", "."): value for name, value in fields.items()})
        values.update(dotted or {})
        return Event.from_dict(values)

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache, so a cached page never leaks between tests."""
    from django.core.cache import cache

    cache.clear()
