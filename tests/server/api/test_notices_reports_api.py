"""``/api/v1/notices/reports``: owner reports over the API, scoped to the caller's own."""

from __future__ import annotations

import json

import pytest
import stix2

from ..notices.owner_report_world import make_report, report_urls_fixture, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

BASE = "/api/v1/notices/reports"


@pytest.fixture
def reports(report_world, report_urls):
    personas = report_world.personas
    return (
        make_report(personas.isp_org, report_world.isp_events),
        make_report(personas.other_isp_org, [report_world.other_event], fmt="stix"),
    )


def test_it_lists_the_callers_own_reports(api_client, personas, reports) -> None:
    answer = api_client(personas.isp.token).get(BASE)
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 1
    [item] = body["items"]
    assert item["number"] == "R-2026-000001"
    assert item["organisation"] == "song-hong-net"
    assert item["event_count"] == 3
    assert item["by_type"] == [["infected-system", 3]]


def test_it_lists_and_filters_every_report_for_authority_staff(
    api_client, personas, reports
) -> None:
    client = api_client(personas.admin.token)
    assert client.get(BASE).json()["count"] == 2
    page = client.get(BASE, organisation="phuong-nam-net", limit=1).json()
    assert [item["number"] for item in page["items"]] == ["R-2026-000002"]


def test_it_shows_one_report(api_client, personas, reports) -> None:
    answer = api_client(personas.isp.token).get(f"{BASE}/R-2026-000001")
    assert answer.status_code == 200
    assert answer.json()["format"] == "csv"


def test_it_downloads_each_format(api_client, personas, reports) -> None:
    client = api_client(personas.other_isp.token)
    stix = client.get(f"{BASE}/R-2026-000002/download", format="stix")
    assert stix.status_code == 200
    bundle = stix2.parse(stix.content.decode(), allow_custom=True)
    assert [o["type"] for o in bundle.objects].count("observed-data") == 1
    document = json.loads(client.get(f"{BASE}/R-2026-000002/download", format="json").content)
    assert document["ticket"] == "R-2026-000002"
    csv_text = client.get(f"{BASE}/R-2026-000002/download").content.decode()
    assert csv_text.startswith("time.source,")


def test_it_refuses_an_unknown_format_naming_the_field(api_client, personas, reports) -> None:
    answer = api_client(personas.isp.token).get(f"{BASE}/R-2026-000001/download", format="xml")
    assert answer.status_code == 400
    assert answer.json()["detail"][0]["field"] == "format"


@pytest.mark.parametrize("path", ["/R-2026-000002", "/R-2026-000002/download", "/R-2026-999999"])
def test_it_answers_404_for_another_organisations_report(
    api_client, personas, reports, path
) -> None:
    assert api_client(personas.isp.token).get(BASE + path).status_code == 404
    assert api_client(personas.member.token).get(BASE + path).status_code == 404


@pytest.mark.parametrize("path", ["", "/R-2026-000001", "/R-2026-000001/download"])
def test_it_refuses_anonymous_callers(api_client, reports, path) -> None:
    assert api_client(None).get(BASE + path).status_code == 401
