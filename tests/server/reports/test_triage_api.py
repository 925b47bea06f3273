"""``GET /api/v1/reports`` lists reports to the authority's staff only, with filters that
refuse bad values by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from cleannet.server.reports.models import Report

pytestmark = pytest.mark.django_db


def _get(persona, url: str, **params):
    return Client().get(url, params, headers={"Authorization": f"Bearer {persona.token}"})


def test_it_lists_reports_to_analysts_with_their_due_times(personas, file_report) -> None:
    report, _ = file_report(target_url="http://fake-shop.example/")
    late, _ = file_report(kind="malware", target_ip="203.0.113.9")
    four_days_ago = timezone.now() - dt.timedelta(days=4)
    Report.objects.filter(pk=late.pk).update(
        created_at=four_days_ago, due_at=four_days_ago + dt.timedelta(hours=72)
    )
    answer = _get(personas.analyst, "/api/v1/reports").json()
    by_number = {item["tracking_number"]: item for item in answer["items"]}
    assert by_number[report.tracking_number]["group_key"] == "fake-shop.example"
    assert by_number[late.tracking_number]["overdue"] is True
    assert by_number[report.tracking_number]["overdue"] is False
    overdue = _get(personas.admin, "/api/v1/reports", overdue="true").json()["items"]
    assert [item["tracking_number"] for item in overdue] == [late.tracking_number]
    one = _get(personas.analyst, f"/api/v1/reports/{report.tracking_number}").json()
    assert one["kind"] == "phishing" and "reporter_email" not in one


def test_it_refuses_other_roles_and_bad_filters(personas, file_report) -> None:
    file_report()
    for persona in (personas.isp, personas.member):
        assert _get(persona, "/api/v1/reports").status_code == 403
    assert Client().get("/api/v1/reports").status_code == 401
    refused = _get(personas.analyst, "/api/v1/reports", status="solved")
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "status"
    assert _get(personas.analyst, "/api/v1/reports/CN-2026-999999").status_code == 404
