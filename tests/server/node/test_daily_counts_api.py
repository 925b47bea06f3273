"""The hub's ``/api/v1/node/daily-counts``: ISP nodes send counts, staff and ISPs read them."""

from __future__ import annotations

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.node.models import NodeDailyCount

pytestmark = pytest.mark.django_db

COUNTS = "/api/v1/node/daily-counts"
MARCH_FIRST = [
    {"day": "2026-03-01", "family": "mirai", "indicator_kind": "domain", "subscribers": 2,
     "records": 5},
    {"day": "2026-03-01", "family": None, "indicator_kind": "event", "subscribers": 1,
     "records": 1},
]  # fmt: skip


def _stored(organisation) -> list[tuple[str, str, str, int, int]]:
    rows = NodeDailyCount.objects.filter(organisation=organisation).order_by("day", "family")
    return [(str(r.day), r.family, r.indicator_kind, r.subscribers, r.records) for r in rows]


def test_it_stores_an_isp_operators_counts_for_its_organisation(api_client, personas) -> None:
    response = api_client(personas.isp.token).post(COUNTS, MARCH_FIRST)

    assert response.status_code == 200, response.content
    assert response.json() == {"stored": 2, "days": ["2026-03-01"]}
    assert _stored(personas.isp_org) == [
        ("2026-03-01", "", "event", 1, 1),
        ("2026-03-01", "mirai", "domain", 2, 5),
    ]
    assert _stored(personas.other_isp_org) == []
    entry = AuditEntry.objects.get(action="node.daily_counts.replace")
    assert entry.actor == personas.isp.user
    assert entry.after == {"days": ["2026-03-01"], "rows": 2}


def test_it_replaces_a_days_counts_when_they_are_sent_again(api_client, personas) -> None:
    client = api_client(personas.isp.token)
    client.post(COUNTS, MARCH_FIRST)
    client.post(COUNTS, [{**MARCH_FIRST[0], "day": "2026-03-02"}])

    again = [{**MARCH_FIRST[0], "subscribers": 3, "records": 7}]
    assert client.post(COUNTS, again).status_code == 200
    assert client.post(COUNTS, again).status_code == 200

    assert _stored(personas.isp_org) == [
        ("2026-03-01", "mirai", "domain", 3, 7),  # the event row of that day is gone
        ("2026-03-02", "mirai", "domain", 2, 5),  # another day is left alone
    ]


def test_it_keeps_each_isps_counts_apart(api_client, personas) -> None:
    api_client(personas.isp.token).post(COUNTS, MARCH_FIRST)
    other = [{**MARCH_FIRST[0], "subscribers": 9, "records": 9}]
    api_client(personas.other_isp.token).post(COUNTS, other)

    assert _stored(personas.isp_org)[1] == ("2026-03-01", "mirai", "domain", 2, 5)
    assert _stored(personas.other_isp_org) == [("2026-03-01", "mirai", "domain", 9, 9)]


@pytest.mark.parametrize("persona", ["admin", "analyst", "member"])
def test_it_refuses_counts_from_anyone_but_an_isp_operator(api_client, personas, persona) -> None:
    response = api_client(personas.all()[persona].token).post(COUNTS, MARCH_FIRST)

    assert response.status_code == 403
    assert not NodeDailyCount.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_refuses_the_counts_without_credentials(api_client, personas, method) -> None:
    client = api_client(None)
    response = client.get(COUNTS) if method == "get" else client.post(COUNTS, MARCH_FIRST)
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"indicator_kind": "sha256"}, "indicator_kind"),
        ({"subscribers": 6}, "subscribers"),
        ({"day": "2999-01-01"}, "day"),
        ({"family": "x" * 101}, "family"),
    ],
)
def test_it_refuses_a_bad_row_naming_its_field_and_stores_nothing(
    api_client, personas, change, field
) -> None:
    rows = [MARCH_FIRST[1], {**MARCH_FIRST[0], **change}]

    response = api_client(personas.isp.token).post(COUNTS, rows)

    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == field
    assert not NodeDailyCount.objects.exists()


def test_it_refuses_the_same_day_family_and_kind_twice(api_client, personas) -> None:
    response = api_client(personas.isp.token).post(COUNTS, [MARCH_FIRST[0], MARCH_FIRST[0]])

    assert response.status_code == 400
    assert "twice" in response.json()["detail"][0]["reason"]


def test_it_answers_422_for_a_negative_count(api_client, personas) -> None:
    response = api_client(personas.isp.token).post(COUNTS, [{**MARCH_FIRST[0], "records": -1}])
    assert response.status_code == 422


def _listed(response) -> list[tuple[str, str, str | None, int]]:
    assert response.status_code == 200, response.content
    return [(r["organisation"], r["day"], r["family"], r["records"]) for r in response.json()]


@pytest.fixture
def two_isps_counts(api_client, personas) -> None:
    api_client(personas.isp.token).post(COUNTS, MARCH_FIRST)
    other = [{**MARCH_FIRST[0], "day": "2026-03-02", "records": 9}]
    api_client(personas.other_isp.token).post(COUNTS, other)


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_isps_counts_to_authority_staff(
    api_client, personas, two_isps_counts, persona
) -> None:
    response = api_client(personas.all()[persona].token).get(COUNTS)

    assert _listed(response) == [
        ("phuong-nam-net", "2026-03-02", "mirai", 9),
        ("song-hong-net", "2026-03-01", None, 1),
        ("song-hong-net", "2026-03-01", "mirai", 5),
    ]


def test_it_filters_the_counts_by_organisation_and_days(
    api_client, personas, two_isps_counts
) -> None:
    client = api_client(personas.admin.token)

    by_org = client.get(COUNTS, organisation="phuong-nam-net")
    by_day = client.get(COUNTS, since="2026-03-01", until="2026-03-02", family="mirai")

    assert _listed(by_org) == [("phuong-nam-net", "2026-03-02", "mirai", 9)]
    assert _listed(by_day) == [("song-hong-net", "2026-03-01", "mirai", 5)]


def test_it_lists_only_its_own_counts_to_an_isp_operator(
    api_client, personas, two_isps_counts
) -> None:
    client = api_client(personas.isp.token)

    assert {row[0] for row in _listed(client.get(COUNTS))} == {"song-hong-net"}
    assert _listed(client.get(COUNTS, organisation="phuong-nam-net")) == []


def test_it_refuses_the_counts_to_an_organisation_member(api_client, personas) -> None:
    assert api_client(personas.member.token).get(COUNTS).status_code == 403
