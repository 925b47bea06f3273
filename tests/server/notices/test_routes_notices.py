"""``/api/v1/notices/…``: the walled-garden list for the captive portal, tickets for the ISP's
operators; every other role refused."""

from __future__ import annotations

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.notices.models import WarningTicket
from cleannet.server.notices.warnings import plan_warnings

from .subscriber_world import day, find, node_run_fixture, subscriber_urls_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

GARDEN = "/api/v1/notices/walled-garden"
TICKETS = "/api/v1/notices/tickets"


@pytest.fixture
def tickets(node_run, subscriber_urls, personas) -> list[WarningTicket]:
    for n in range(3):
        find(node_run, f"sub-{n}", "Mirai", day(0), ip=f"203.0.113.{n + 1}")
    plan_warnings(day(0))
    WarningTicket.objects.filter(subscriber__in=["sub-0", "sub-1"]).update(redirect_active=True)
    return list(WarningTicket.objects.order_by("id"))


def _ack(number: str) -> str:
    return f"{TICKETS}/{number}/acknowledge"


@pytest.mark.parametrize("who", ["isp", "admin"])
def test_it_gives_the_captive_portal_the_list_as_json_and_text(who, tickets, personas, api_client):
    client = api_client(getattr(personas, who).token)

    listed = client.get(GARDEN).json()
    text = client.get(f"{GARDEN}.txt")

    assert [row["ip"] for row in listed] == ["203.0.113.1", "203.0.113.2"]
    assert listed[0]["url"].endswith(f"/notice/{tickets[0].page_token}/")
    assert text["Content-Type"].startswith("text/plain")
    assert text.content.decode().splitlines() == [f"{r['ip']} {r['url']}" for r in listed]


@pytest.mark.parametrize("who", [None, "member", "analyst"])
def test_it_refuses_the_list_to_other_roles(who, tickets, personas, api_client):
    client = api_client(getattr(personas, who).token if who else None)
    expected = 401 if who is None else 403
    assert client.get(GARDEN).status_code == expected
    assert client.get(f"{GARDEN}.txt").status_code == expected


def test_it_pages_and_filters_the_tickets_for_the_operator(tickets, personas, api_client):
    client = api_client(personas.isp.token)
    WarningTicket.objects.filter(pk=tickets[2].pk).update(state="acknowledged")

    first = client.get(TICKETS, limit=2).json()
    second = client.get(TICKETS, limit=2, after=first["next_after"]).json()
    acknowledged = client.get(TICKETS, state="acknowledged").json()

    assert [t["number"] for t in first["items"] + second["items"]] == [t.number for t in tickets]
    assert second["next_after"] is None
    assert [t["subscriber"] for t in acknowledged["items"]] == ["sub-2"]
    assert "page_token" not in first["items"][0]
    refused = client.get(TICKETS, state="lost")
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "state"


def test_it_lets_the_operator_acknowledge_a_ticket(tickets, personas, api_client):
    client = api_client(personas.isp.token)

    response = client.post(_ack(tickets[0].number.lower()), {})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["redirect_active"]) == (
        "acknowledged", False,
    )  # fmt: skip
    entry = AuditEntry.objects.get(action="warning_ticket.acknowledge")
    assert entry.actor == personas.isp.user
    assert client.post(_ack("W-2026-999999"), {}).status_code == 404
    WarningTicket.objects.filter(pk=tickets[1].pk).update(state="closed")
    closed = client.post(_ack(tickets[1].number), {})
    assert closed.status_code == 400 and closed.json()["detail"][0]["field"] == "state"


@pytest.mark.parametrize("who", [None, "member", "analyst", "admin"])
def test_it_refuses_the_tickets_to_other_roles(who, tickets, personas, api_client):
    client = api_client(getattr(personas, who).token if who else None)
    expected = 401 if who is None else 403

    assert client.get(TICKETS).status_code == expected
    assert client.post(_ack(tickets[0].number), {}).status_code == expected
    assert WarningTicket.objects.get(pk=tickets[0].pk).state == "open"
