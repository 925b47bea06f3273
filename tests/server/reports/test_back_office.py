"""The back office shows reports, their messages and attachments read-only to the authority's
staff, never the status link's secret digest; nobody else gets in."""

from __future__ import annotations

import pytest
from django.utils import timezone

from cleannet.server.reports import services
from cleannet.server.reports import triage_services as triage
from cleannet.server.reports.models import Report

pytestmark = pytest.mark.django_db

PAGES = ("report", "reportmessage", "reportattachment")


@pytest.fixture
def report(personas, file_report) -> Report:
    made, _secret = file_report(title="Trang giả mạo ngân hàng")
    services.add_attachment(None, made, "anh-chup.png", [b"\x89PNG screenshot"])
    triage.add_note(personas.analyst.user, made, "Same kit as last week.")
    return made


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_authority_staff_read_reports_messages_and_attachments(
    client, personas, report, persona
) -> None:
    client.force_login(personas.all()[persona].user)
    for page in PAGES:
        listing = client.get(f"/admin/reports/{page}/")
        assert listing.status_code == 200, page
    detail = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert report.tracking_number in detail
    assert "anh-chup.png" in detail and "Same kit as last week." in detail
    attachment = report.attachments.get()
    assert attachment.sha256 in detail
    assert attachment.stored_path not in detail


def test_the_secret_digest_is_never_shown(client, personas, report) -> None:
    client.force_login(personas.admin.user)
    pages = [f"/admin/reports/report/{report.pk}/change/", "/admin/reports/report/"]
    for page in pages:
        body = client.get(page).content.decode()
        assert report.status_token_hash not in body, page
        assert "status_token_hash" not in body, page


def test_nothing_is_added_changed_or_deleted_there(client, personas, report) -> None:
    client.force_login(personas.admin.user)
    assert client.get("/admin/reports/report/add/").status_code == 403
    assert client.get(f"/admin/reports/report/{report.pk}/delete/").status_code == 403
    detail = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert 'name="_save"' not in detail
    title = {"title": "changed"}
    client.post(f"/admin/reports/report/{report.pk}/change/", title)
    assert Report.objects.get(pk=report.pk).title == "Trang giả mạo ngân hàng"


@pytest.mark.parametrize("persona", ["member", "isp"])
def test_others_do_not_enter(client, personas, report, persona) -> None:
    client.force_login(personas.all()[persona].user)
    for page in PAGES:
        assert client.get(f"/admin/reports/{page}/").status_code == 302, page


def test_an_incident_reports_details_are_shown(client, personas, file_report) -> None:
    incident = services.IncidentInput(
        organisation_name="Demo Hospital",
        organisation_address="1 Hospital Road",
        organisation_phone="+84 24 0000 0000",
        organisation_email="it@hospital.example",
        system_name="Patient records",
        detected_at=timezone.now(),
        ip_addresses="192.0.2.10",
    )
    made, _secret = file_report(kind="incident", incident=incident)
    client.force_login(personas.analyst.user)
    detail = client.get(f"/admin/reports/report/{made.pk}/change/").content.decode()
    assert "Patient records" in detail and "192.0.2.10" in detail
