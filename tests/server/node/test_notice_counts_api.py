"""The hub's ``/api/v1/node/notice-counts``: ISP nodes send their warning figures for a window
of days, which replaces what they sent for it; staff and ISPs read them."""

from __future__ import annotations

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.node.models import NodeNoticeCount

pytestmark = pytest.mark.django_db

COUNTS = "/api/v1/node/notice-counts"
MIRAI = {"day": "2026-03-01", "family": "mirai", "warned": 2, "sent": 4, "delivered": 3,
         "acknowledged": 1, "reinfected": 0}  # fmt: skip
UNKNOWN = {"day": "2026-03-02", "family": None, "warned": 1}
WINDOW = {"since": "2026-03-01", "until": "2026-03-02"}


def _stored(organisation) -> list[tuple]:
    rows = NodeNoticeCount.objects.filter(organisation=organisation).order_by("day", "family")
    return [
        (str(r.day), r.family, r.warned, r.sent, r.delivered, r.acknowledged, r.reinfected)
        for r in rows
    ]


def test_it_stores_an_isp_operators_figures_for_its_organisation(api_client, personas) -> None:
    response = api_client(personas.isp.token).post(COUNTS, {**WINDOW, "rows": [MIRAI, UNKNOWN]})

    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 2}
    assert _stored(personas.isp_org) == [
        ("2026-03-01", "mirai", 2, 4, 3, 1, 0),
        ("2026-03-02", "", 1, 0, 0, 0, 0),
    ]
    assert _stored(personas.other_isp_org) == []
    entry = AuditEntry.objects.get(action="node.notice_counts.replace")
    assert entry.actor == personas.isp.user
    assert entry.after == {"since": "2026-03-01", "until": "2026-03-02", "rows": 2}


def test_it_replaces_every_day_of_the_window_and_only_those(api_client, personas) -> None:
    client = api_client(personas.isp.token)
    client.post(COUNTS, {**WINDOW, "rows": [MIRAI, UNKNOWN]})
    client.post(COUNTS, {"since": "2026-03-03", "until": "2026-03-03",
                         "rows": [{**MIRAI, "day": "2026-03-03"}]})  # fmt: skip

    again = {"since": "2026-03-01", "until": "2026-03-02", "rows": [{**MIRAI, "delivered": 4}]}
    assert client.post(COUNTS, again).status_code == 200
    assert client.post(COUNTS, again).status_code == 200

    assert _stored(personas.isp_org) == [
        ("2026-03-01", "mirai", 2, 4, 4, 1, 0),  # updated in place
        ("2026-03-03", "mirai", 2, 4, 3, 1, 0),  # outside the window: left alone
    ]  # the family-less row of 2 March is gone


def test_it_keeps_each_isps_figures_apart(api_client, personas) -> None:
    api_client(personas.isp.token).post(COUNTS, {**WINDOW, "rows": [MIRAI]})
    api_client(personas.other_isp.token).post(COUNTS, {**WINDOW, "rows": [{**MIRAI, "sent": 9}]})

    assert _stored(personas.isp_org) == [("2026-03-01", "mirai", 2, 4, 3, 1, 0)]
    assert _stored(personas.other_isp_org) == [("2026-03-01", "mirai", 2, 9, 3, 1, 0)]


@pytest.mark.parametrize("persona", ["admin", "analyst", "member"])
def test_it_refuses_figures_from_anyone_but_an_isp_operator(api_client, personas, persona) -> None:
    response = api_client(personas.all()[persona].token).post(COUNTS, {**WINDOW, "rows": [MIRAI]})

    assert response.status_code == 403
    assert not NodeNoticeCount.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_the_figures_without_credentials(api_client, personas, method) -> None:
    client = api_client(None)
    body = {**WINDOW, "rows": [MIRAI]}
    response = client.get(COUNTS) if method == "get" else client.post(COUNTS, body)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"until": "2999-01-01"}, "until"),
        ({"since": "2026-03-03"}, "since"),
        ({"since": "2024-01-01"}, "since"),
        ({"rows": [{**MIRAI, "day": "2026-02-28"}]}, "day"),
        ({"rows": [{**MIRAI, "family": "x" * 101}]}, "family"),
        ({"rows": [MIRAI, MIRAI]}, "day"),
    ],
)
def test_it_refuses_a_bad_window_or_row_naming_its_field_and_stores_nothing(
    api_client, personas, change, field
) -> None:
    body = {**WINDOW, "rows": [MIRAI, UNKNOWN], **change}

    response = api_client(personas.isp.token).post(COUNTS, body)

    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == field
    assert not NodeNoticeCount.objects.exists()


def test_it_answers_422_for_a_negative_figure(api_client, personas) -> None:
    body = {**WINDOW, "rows": [{**MIRAI, "sent": -1}]}
    assert api_client(personas.isp.token).post(COUNTS, body).status_code == 422


def _listed(response) -> list[tuple]:
    assert response.status_code == 200, response.content
    return [(r["organisation"], r["day"], r["family"], r["sent"]) for r in response.json()]


@pytest.fixture
def two_isps_figures(api_client, personas) -> None:
    api_client(personas.isp.token).post(COUNTS, {**WINDOW, "rows": [MIRAI, UNKNOWN]})
    other = {**WINDOW, "rows": [{**MIRAI, "day": "2026-03-02", "sent": 9}]}
    api_client(personas.other_isp.token).post(COUNTS, other)


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_isps_figures_to_authority_staff(
    api_client, personas, two_isps_figures, persona
) -> None:
    response = api_client(personas.all()[persona].token).get(COUNTS)

    assert _listed(response) == [
        ("phuong-nam-net", "2026-03-02", "mirai", 9),
        ("song-hong-net", "2026-03-02", None, 0),
        ("song-hong-net", "2026-03-01", "mirai", 4),
    ]
    filtered = api_client(personas.admin.token).get(COUNTS, since="2026-03-02", family="mirai")
    assert _listed(filtered) == [("phuong-nam-net", "2026-03-02", "mirai", 9)]


def test_it_lists_only_its_own_figures_to_an_isp_operator(
    api_client, personas, two_isps_figures
) -> None:
    client = api_client(personas.isp.token)

    assert {row[0] for row in _listed(client.get(COUNTS))} == {"song-hong-net"}
    assert _listed(client.get(COUNTS, organisation="phuong-nam-net")) == []


def test_it_refuses_the_figures_to_an_organisation_member(api_client, personas) -> None:
    assert api_client(personas.member.token).get(COUNTS).status_code == 403
