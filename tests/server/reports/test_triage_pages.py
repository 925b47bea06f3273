"""The triage pages: only the authority's staff get in; the queue groups reports about the
same thing, filters and marks overdue ones; the report page acts through the services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cleannet.server.reports import services
from cleannet.server.reports.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(signed_in: Callable[[str], Client]) -> Callable[[str], Client]:
    """The shared ``signed_in``, with English chosen (pages are Vietnamese by default)."""

    def login(name: str) -> Client:
        client = signed_in(name)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        return client

    return login


def test_only_analysts_and_admins_see_the_queue(personas, signed_in, file_report) -> None:
    report, _ = file_report()
    for name in ("isp", "member"):
        client = signed_in(name)
        assert client.get("/triage/").status_code == 403
        assert client.get(f"/triage/{report.tracking_number}/").status_code == 403
        assert client.post(f"/triage/{report.tracking_number}/take/").status_code == 403
    anonymous = Client().get("/triage/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    for name in ("analyst", "admin"):
        assert signed_in(name).get("/triage/").status_code == 200


def test_it_shows_one_row_per_group_with_a_count(personas, signed_in, file_report) -> None:
    first, _ = file_report(target_url="http://demobank-otp.example/a")
    newest, _ = file_report(target_url="https://demobank-otp.example/b")
    alone, _ = file_report(kind="vulnerability", title="XSS on a portal")
    page = signed_in("analyst").get("/triage/").content.decode()
    assert newest.tracking_number in page and first.tracking_number not in page
    assert "2 reports" in page and alone.tracking_number in page
    expanded = signed_in("analyst").get("/triage/", {"group": "demobank-otp.example"})
    body = expanded.content.decode()
    assert first.tracking_number in body and newest.tracking_number in body
    assert alone.tracking_number not in body


def test_it_filters_by_kind_assignment_text_and_overdue(personas, signed_in, file_report) -> None:
    phishing, _ = file_report(target_url="http://fake-shop.example/")
    leak, _ = file_report(kind="data_leak", title="My ID card is online")
    late, _ = file_report(kind="malware", target_ip="203.0.113.9", title="Infected")
    Report.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=100), due_at=None
    )
    Report.objects.filter(pk=leak.pk).update(assigned_to=personas.analyst.user)
    client = signed_in("analyst")

    def shown(**params: str) -> set[str]:
        body = client.get("/triage/", params).content.decode()
        return {r.tracking_number for r in (phishing, leak, late) if r.tracking_number in body}

    assert shown(kind="data_leak") == {leak.tracking_number}
    assert shown(who="me") == {leak.tracking_number}
    assert shown(who="nobody") == {phishing.tracking_number, late.tracking_number}
    assert shown(q="fake-shop") == {phishing.tracking_number}
    assert shown(q=late.tracking_number.lower()) == {late.tracking_number}
    assert shown(overdue="on") == {late.tracking_number}
    assert shown(kind="no-such-kind") == {r.tracking_number for r in (phishing, leak, late)}


def test_it_marks_overdue_reports_and_shows_timers(personas, signed_in, file_report) -> None:
    late, _ = file_report(kind="phishing", title="Late one")
    Report.objects.filter(pk=late.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=26, minutes=30), due_at=None
    )
    file_report(kind="vulnerability", title="Fresh one")
    body = signed_in("analyst").get("/triage/", {"order": "due"}).content.decode()
    assert 'class="overdue"' in body and "Overdue by 3 h" in body
    assert "Due in 119 h" in body
    assert body.index("Late one") < body.index("Fresh one")


def test_an_analyst_triages_from_the_report_page(personas, signed_in, file_report) -> None:
    report, secret = file_report(target_url="http://fake-shop.example/")
    client, base = signed_in("analyst"), f"/triage/{report.tracking_number}/"
    assert client.post(base + "take/").status_code == 302
    client.post(base + "note/", {"note-body": "Internal: same kit as last week."})
    client.post(base + "reply/", {"reply-body": "Thank you, we are checking the site."})
    response = client.post(base + "status/", {"status": "rejected"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.assigned_to) == ("rejected", personas.analyst.user)
    page = client.get(base).content.decode()
    assert "Internal: same kit" in page and "Thank you, we are checking" in page
    status_page = Client().get(f"/report/status/{report.tracking_number}/{secret}/")
    assert "Thank you, we are checking the site." in status_page.content.decode()
    assert "same kit" not in status_page.content.decode()


def test_a_refused_transition_says_why_on_the_page(personas, signed_in, file_report) -> None:
    report, _ = file_report()
    client = signed_in("analyst")
    response = client.post(f"/triage/{report.tracking_number}/status/", {"status": "closed"})
    assert response.status_code == 400
    assert report.tracking_number in response.content.decode()
    report.refresh_from_db()
    assert report.status == "new"


def test_a_duplicate_names_its_original_by_tracking_number(
    personas, signed_in, file_report
) -> None:
    original, _ = file_report(target_domain="fake-shop.example")
    copy, _ = file_report(target_domain="fake-shop.example")
    client, base = signed_in("analyst"), f"/triage/{copy.tracking_number}/"
    client.post(base + "take/")
    unknown = client.post(base + "status/", {"status": "duplicate", "duplicate_of": "CN-1999-1"})
    assert (
        unknown.status_code == 400
        and "No report has this tracking number" in unknown.content.decode()
    )
    done = client.post(
        base + "status/", {"status": "duplicate", "duplicate_of": original.tracking_number}
    )
    assert done.status_code == 302
    copy.refresh_from_db()
    assert copy.duplicate_of == original


def test_an_unknown_report_answers_404(personas, signed_in) -> None:
    assert signed_in("analyst").get("/triage/CN-2026-999999/").status_code == 404


def test_attachments_download_as_opaque_files_for_analysts_only(
    personas, signed_in, file_report
) -> None:
    report, _ = file_report()
    attachment = services.add_attachment(
        None, report, "<b>invoice</b>.html", [b"<script>1</script>"]
    )
    url = f"/triage/{report.tracking_number}/attachments/{attachment.pk}/"
    response = signed_in("analyst").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b"<script>1</script>"
    assert signed_in("member").get(url).status_code == 403
    other, _ = file_report()
    wrong = f"/triage/{other.tracking_number}/attachments/{attachment.pk}/"
    assert signed_in("analyst").get(wrong).status_code == 404


def test_confirming_a_phishing_report_on_the_page_lists_the_fake(
    personas, signed_in, file_report
) -> None:
    from cleannet.server.brands import services as brand_services

    brand = brand_services.register_brand(
        personas.admin.user, personas.bank, "demobank", "Demo Bank", "demobank", ["demobank.vn"]
    )
    report, _ = file_report(target_url="http://quick-pay-shop.example/login")
    client, base = signed_in("analyst"), f"/triage/{report.tracking_number}/"
    client.post(base + "take/")
    response = client.post(
        base + "status/", {"status": "confirmed", "brand": brand.pk}, follow=True
    )
    body = response.content.decode()
    assert "quick-pay-shop.example is now a confirmed fake site." in body
    check = client.get("/brands/check/", {"url": "http://quick-pay-shop.example/x"})
    assert "confirmed" in check.content.decode().lower()
    closed = client.get("/triage/").content.decode()
    assert report.tracking_number in closed  # confirmed reports stay in the default queue
