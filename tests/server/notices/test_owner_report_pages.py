"""The workspace pages of owner reports: who sees which reports, and the downloads."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from .owner_report_world import make_report, report_urls_fixture, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

LIST = "/workspace/reports/"


@pytest.fixture
def reports(report_world, report_urls):
    """R-2026-000001 for Song Hong Net, R-2026-000002 for Phuong Nam Net."""
    personas = report_world.personas
    return (
        make_report(personas.isp_org, report_world.isp_events[:2]),
        make_report(personas.other_isp_org, [report_world.other_event], fmt="json"),
    )


def _client(persona) -> Client:
    client = Client()
    client.force_login(persona.user)
    return client


def test_it_lists_only_the_operators_own_reports(personas, reports) -> None:
    page = _client(personas.isp).get(LIST)
    assert page.status_code == 200
    text = page.content.decode()
    assert "R-2026-000001" in text
    assert "R-2026-000002" not in text
    assert f"{LIST}R-2026-000001/stix" in text


def test_it_lists_every_report_for_authority_staff(personas, reports) -> None:
    text = _client(personas.analyst).get(LIST).content.decode()
    assert "R-2026-000001" in text
    assert "R-2026-000002" in text
    assert personas.other_isp_org.name in text


def test_it_downloads_an_own_report_in_any_format(personas, reports) -> None:
    answer = _client(personas.isp).get(f"{LIST}R-2026-000001/csv")
    assert answer.status_code == 200
    assert answer["Content-Disposition"] == 'attachment; filename="cleannet-R-2026-000001.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [row["source.ip"] for row in rows] == ["203.0.113.1", "203.0.113.2"]
    assert _client(personas.isp).get(f"{LIST}R-2026-000001/json").status_code == 200


@pytest.mark.parametrize(
    ("persona", "path"),
    [
        ("other_isp", "R-2026-000001/csv"),
        ("member", "R-2026-000001/csv"),
        ("isp", "R-2026-000002/json"),
        ("isp", "R-2026-000001/xml"),
        ("isp", "R-2026-999999/csv"),
    ],
)
def test_it_answers_404_for_a_report_not_visible(personas, reports, persona, path) -> None:
    assert _client(getattr(personas, persona)).get(LIST + path).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(reports) -> None:
    for path in (LIST, f"{LIST}R-2026-000001/csv"):
        answer = Client().get(path)
        assert answer.status_code == 302
        assert "/accounts/login/" in answer["Location"]
