"""The demo's reports: every kind filed once, and only once."""

from __future__ import annotations

from typing import Any

from cleannet.server.demo.load_reports import load_reports
from cleannet.server.reports.models import Report, ReportKind


def test_it_files_every_kind_once_and_links_the_incident_to_the_bank(personas: Any) -> None:
    orgs = {"authority": personas.authority, "bank": personas.bank}
    assert load_reports(orgs) == 8
    assert load_reports(orgs) == 0
    assert set(Report.objects.values_list("kind", flat=True)) == set(ReportKind.values)
    incident = Report.objects.get(kind=ReportKind.INCIDENT)
    assert incident.organisation == personas.bank
    assert incident.incident.ip_addresses == ["203.0.113.10", "203.0.113.11"]
