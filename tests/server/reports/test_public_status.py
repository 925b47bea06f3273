"""The status page behind the secret link: what it shows, and 404 for any wrong part."""

from __future__ import annotations

from typing import Any

from django.test import Client

from cleannet.server.reports import services
from cleannet.server.reports.models import MessageKind, ReportMessage, ReportStatus


def _url(number: str, secret: str) -> str:
    return f"/report/status/{number}/{secret}/"


def test_it_shows_the_status_and_replies_but_never_notes(file_report: Any) -> None:
    report, secret = file_report()
    report.status = ReportStatus.CONFIRMED
    report.save()
    ReportMessage.objects.create(report=report, kind=MessageKind.REPLY, body="Đã chặn trang này.")
    ReportMessage.objects.create(report=report, kind=MessageKind.NOTE, body="internal-xyz")
    response = Client().get(_url(report.tracking_number, secret))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Đã chặn trang này." in page
    assert "internal-xyz" not in page
    assert report.get_status_display() in page
    assert response["Referrer-Policy"] == "no-referrer"


def test_it_answers_404_for_a_wrong_secret_or_number_alike(file_report: Any) -> None:
    report, secret = file_report()
    other, other_secret = file_report()
    client = Client()
    wrong = [
        _url(report.tracking_number, other_secret),
        _url(report.tracking_number, secret[:-1] + ("A" if secret[-1] != "A" else "B")),
        _url("CN-1999-000001", secret),
        _url("nonsense", secret),
        _url(report.tracking_number, "short"),
    ]
    assert [client.get(url).status_code for url in wrong] == [404] * len(wrong)
    assert client.get(_url(other.tracking_number, other_secret)).status_code == 200


def test_it_finds_the_report_by_number_in_any_case(file_report: Any) -> None:
    report, secret = file_report()
    assert services.status_for(report.tracking_number.lower(), secret) == report
    assert services.status_for(report.tracking_number, secret.upper() + "x") is None
