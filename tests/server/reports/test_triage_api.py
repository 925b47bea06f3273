"""``GET /api/v1/reports`` lists reports to the authority's staff only, with filters that
refuse bad values by name. Until the lead mounts the router, the tests mount it on an API
of their own."""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections.abc import Iterator

import pytest
from django.test import Client, override_settings
from django.urls import path
from django.utils import timezone
from ninja import NinjaAPI

from cleannet.server.api.errors import install_error_handlers
from cleannet.server.api.routes_reports import router
from cleannet.server.reports.models import Report

pytestmark = pytest.mark.django_db
URLCONF = "cleannet_reports_api_test_urls"


@pytest.fixture(autouse=True)
def reports_api(report_urls: None) -> Iterator[None]:
    api = NinjaAPI(urls_namespace="reports-api-test")
    install_error_handlers(api)
    api.add_router("/", router)
    module = types.ModuleType(URLCONF)
    module.urlpatterns = [path("api/test/", api.urls)]  # type: ignore[attr-defined]
    sys.modules[URLCONF] = module
    try:
        with override_settings(ROOT_URLCONF=URLCONF):
            yield
    finally:
        del sys.modules[URLCONF]


def _get(persona, url: str, **params):
    return Client().get(url, params, headers={"Authorization": f"Bearer {persona.token}"})


def test_it_lists_reports_to_analysts_with_their_due_times(personas, file_report) -> None:
    report, _ = file_report(target_url="http://fake-shop.example/")
    late, _ = file_report(kind="malware", target_ip="203.0.113.9")
    four_days_ago = timezone.now() - dt.timedelta(days=4)
    Report.objects.filter(pk=late.pk).update(
        created_at=four_days_ago, due_at=four_days_ago + dt.timedelta(hours=72)
    )
    answer = _get(personas.analyst, "/api/test/reports").json()
    by_number = {item["tracking_number"]: item for item in answer["items"]}
    assert by_number[report.tracking_number]["group_key"] == "fake-shop.example"
    assert by_number[late.tracking_number]["overdue"] is True
    assert by_number[report.tracking_number]["overdue"] is False
    overdue = _get(personas.admin, "/api/test/reports", overdue="true").json()["items"]
    assert [item["tracking_number"] for item in overdue] == [late.tracking_number]
    one = _get(personas.analyst, f"/api/test/reports/{report.tracking_number}").json()
    assert one["kind"] == "phishing" and "reporter_email" not in one


def test_it_refuses_other_roles_and_bad_filters(personas, file_report) -> None:
    file_report()
    for persona in (personas.isp, personas.member):
        assert _get(persona, "/api/test/reports").status_code == 403
    assert Client().get("/api/test/reports").status_code == 401
    refused = _get(personas.analyst, "/api/test/reports", status="solved")
    assert refused.status_code == 400 and refused.json()["detail"][0]["field"] == "status"
    assert _get(personas.analyst, "/api/test/reports/CN-2026-999999").status_code == 404
