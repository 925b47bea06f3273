"""Authority staff's workspace links the queues with how much waits in each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.reports import services as report_services
from cleannet.server.workspace.authority import authority_workspace

pytestmark = pytest.mark.django_db


def _file(kind: str, days_ago: int) -> None:
    new = report_services.NewReport(
        kind=kind,
        title="Fake bank login page",
        description="An SMS linked to it.",
        target_url="http://demobank-dangnhap.example/login",
    )
    report_services.file_report(None, new, now=timezone.now() - dt.timedelta(days=days_ago))


def test_it_counts_open_and_overdue_reports(personas: Any) -> None:
    _file("phishing", 0)
    _file("phishing", 3)  # a phishing report is due within a day
    work = authority_workspace(personas.analyst.user)
    assert (work.reports_open, work.reports_overdue) == (2, 1)


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_links_every_queue(persona: str, signed_in: Callable[[str], Any]) -> None:
    response = signed_in(persona).get("/workspace/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ("/triage/", "/brands/alerts/", "/breach-notices/queue/", "/scanner/reports/"):
        assert f'href="{link}"' in page
