"""The public report pages: forms per kind, the number shown once, the e-mail, abuse limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cleannet.server.reports import ratelimits
from cleannet.server.reports.models import Report

KINDS = ["malware", "phishing", "data-leak", "vulnerability", "incident"]
PHISHING = {
    "title": "Trang giả mạo ngân hàng",
    "description": "Tin nhắn SMS dẫn tới trang đăng nhập giả.",
    "target_url": "https://vietcombank-xacthuc.example/dang-nhap",
    "reporter_email": "citizen@example.org",
}
INCIDENT = {
    "title": "Mã độc tống tiền",
    "description": "Máy chủ bị mã hoá.",
    "organisation_name": "Demo Bank",
    "organisation_address": "1 Demo Street",
    "organisation_phone": "024 3999 9999",
    "organisation_email": "soc@bank.example",
    "system_name": "Core banking",
    "detected_at": "2026-03-01T08:30",
    "ip_addresses": "203.0.113.9",
    "domains": "bank.example",
}


@pytest.mark.parametrize("slug", ["", *KINDS])
def test_it_shows_the_chooser_and_every_form_in_vietnamese_to_anyone(db: Any, slug: str) -> None:
    response = Client().get(f"/report/{slug + '/' if slug else ''}")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()


def test_it_answers_404_for_an_unknown_kind(db: Any) -> None:
    assert Client().get("/report/spam/").status_code == 404


def test_it_files_a_phishing_report_and_mails_the_secret_link(db: Any, mailoutbox: Any) -> None:
    response = Client().post("/report/phishing/", PHISHING)
    assert response.status_code == 200
    report = Report.objects.get()
    page = response.content.decode()
    assert report.tracking_number in page
    link = re.search(r'href="(http://testserver/report/status/[^"]+)"', page)
    assert link is not None
    assert (report.group_key, report.language) == ("vietcombank-xacthuc.example", "vi")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["citizen@example.org"]
    assert link.group(1) in mailoutbox[0].body
    assert report.tracking_number in mailoutbox[0].subject
    assert report.messages.get(kind="system").emailed_at is not None


def test_it_files_in_english_when_the_visitor_chose_english(db: Any, mailoutbox: Any) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/report/phishing/", PHISHING)
    assert Report.objects.get().language == "en"
    assert "Your report" in mailoutbox[0].subject


def test_it_reshows_the_form_naming_a_refused_field(db: Any) -> None:
    response = Client().post("/report/phishing/", {**PHISHING, "target_url": "http:///x"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["target_url"]
    assert "Trang giả mạo ngân hàng" in response.content.decode()  # what was typed is kept
    assert not Report.objects.exists()


def test_it_pretends_success_to_a_filled_honeypot_and_stores_nothing(
    db: Any, mailoutbox: Any
) -> None:
    response = Client().post("/report/phishing/", {**PHISHING, "website": "http://spam"})
    assert response.status_code == 200
    assert not Report.objects.exists()
    assert mailoutbox == []
    assert ratelimits.honeypot_hits(timezone.now().date()) == 1


def test_it_refuses_a_client_past_its_hourly_allowance(db: Any, settings: Any) -> None:
    settings.CLEANNET_REPORTS_PER_HOUR_PER_CLIENT = 1
    client = Client()
    assert client.post("/report/phishing/", PHISHING).status_code == 200
    response = client.post("/report/phishing/", {**PHISHING, "reporter_email": ""})
    assert response.status_code == 429
    assert Report.objects.count() == 1


def test_it_links_a_members_incident_to_the_organisation(signed_in: Any, personas: Any) -> None:
    member = signed_in("member")
    assert member.post("/report/incident/", INCIDENT).status_code == 200
    report = Report.objects.get()
    assert report.organisation == personas.bank
    assert report.incident.system_name == "Core banking"
    assert report.reporter_email == "soc@bank.example"
    listing = member.get("/report/mine/")
    assert report.tracking_number in listing.content.decode()
    detail = member.get(f"/report/mine/{report.tracking_number}/")
    assert detail.status_code == 200


def test_it_reshows_the_incident_form_naming_a_bad_ip(signed_in: Any) -> None:
    response = signed_in("member").post(
        "/report/incident/", {**INCIDENT, "ip_addresses": "203.0.113.9\n300.1.1.1"}
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["ip_addresses"]


def test_it_hides_another_organisations_report(signed_in: Any) -> None:
    signed_in("member").post("/report/incident/", INCIDENT)
    number = Report.objects.get().tracking_number
    other = signed_in("isp")
    assert other.get(f"/report/mine/{number}/").status_code == 404
    assert number not in other.get("/report/mine/").content.decode()


def test_it_keeps_an_anonymous_report_out_of_every_organisation(signed_in: Any) -> None:
    Client().post("/report/incident/", INCIDENT)
    assert Report.objects.get().organisation is None
    assert signed_in("analyst").get("/report/mine/").status_code == 403
    assert Client().get("/report/mine/").status_code == 302
