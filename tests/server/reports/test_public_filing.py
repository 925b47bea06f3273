"""Filing a report through the service: numbers, secrets, targets, audit, statistics."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.reports import services
from cleannet.server.reports.models import ReportStatus
from cleannet.server.reports.statistics import daily_counts

DETECTED = dt.datetime(2026, 3, 1, 8, 30, tzinfo=dt.UTC)


def test_it_issues_sequential_tracking_numbers_of_the_year(file_report: Any) -> None:
    first, _ = file_report()
    second, _ = file_report()
    year = dt.datetime.now(dt.UTC).year
    assert first.tracking_number == f"CN-{year}-000001"
    assert second.tracking_number == f"CN-{year}-000002"


def test_it_stores_only_the_digest_of_the_status_secret(file_report: Any) -> None:
    report, secret = file_report()
    assert len(secret) >= 32
    assert report.status_token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(AuditEntry.objects.values("before", "after")))


def test_it_audits_the_filing_without_the_reporters_contact(file_report: Any) -> None:
    report, _ = file_report(reporter_email="lan@example.org")
    entry = AuditEntry.objects.get(action="reports.file", object_id=str(report.pk))
    assert entry.after["tracking_number"] == report.tracking_number
    assert "reporter_email" not in entry.after
    assert "status_token_hash" not in entry.after


def test_it_groups_a_url_report_by_its_normalised_host(file_report: Any) -> None:
    report, _ = file_report(target_url="HTTP://Vietcombank-XacThuc.example/login?x=1")
    assert report.target_url == "http://vietcombank-xacthuc.example/login?x=1"
    assert report.group_key == "vietcombank-xacthuc.example"


def test_it_groups_by_the_ip_when_only_an_ip_is_given(file_report: Any) -> None:
    report, _ = file_report(kind="malware", target_ip=" 203.0.113.7 ")
    assert (report.target_ip, report.group_key) == ("203.0.113.7", "203.0.113.7")


def test_it_refuses_a_bad_url_naming_the_field_and_stores_nothing(file_report: Any) -> None:
    with pytest.raises(InvalidValue) as caught:
        file_report(target_url="http:///no-host")
    assert caught.value.field == "target_url"
    assert not services.Report.objects.exists()


def _incident(**extra: Any) -> services.IncidentInput:
    values: dict[str, Any] = {
        "organisation_name": "Sở Thông tin Demo",
        "organisation_address": "1 Đường Demo, Hà Nội",
        "organisation_phone": "024 3999 9999",
        "organisation_email": "soc@demo.example",
        "system_name": "Cổng dịch vụ công",
        "detected_at": DETECTED,
        "ip_addresses": "203.0.113.9\n203.0.113.9, 2001:DB8::1",
        "domains": "DichVuCong.Demo.example",
    }
    values.update(extra)
    return services.IncidentInput(**values)


def test_it_keeps_the_circular_20_details_of_an_incident_normalised(file_report: Any) -> None:
    report, _ = file_report(kind="incident", incident=_incident())
    details = report.incident
    assert details.ip_addresses == ["203.0.113.9", "2001:db8::1"]
    assert details.domains == ["dichvucong.demo.example"]
    assert details.detected_at == DETECTED
    assert report.group_key == "dichvucong.demo.example"


def test_it_refuses_an_incident_ip_list_naming_the_field(file_report: Any) -> None:
    with pytest.raises(InvalidValue) as caught:
        file_report(kind="incident", incident=_incident(ip_addresses="203.0.113.9 999.1.1.1"))
    assert caught.value.field == "ip_addresses"


def test_it_refuses_an_incident_without_its_details(file_report: Any) -> None:
    with pytest.raises(InvalidValue) as caught:
        file_report(kind="incident")
    assert caught.value.field == "incident"


def test_it_counts_reports_received_and_handled_per_utc_day(file_report: Any) -> None:
    today = dt.datetime.now(dt.UTC).date()
    old, _ = file_report()
    old.created_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    old.save()
    handled, _ = file_report()
    handled.status = ReportStatus.REJECTED
    handled.save()
    handled.status = ReportStatus.CLOSED  # a second handled state is not counted again
    handled.save()
    file_report()
    counts = daily_counts(3)
    assert [day for day, _, _ in counts] == [today - dt.timedelta(days=n) for n in (2, 1, 0)]
    assert [(received, done) for _, received, done in counts] == [(1, 0), (0, 0), (2, 1)]


def test_it_limits_reports_per_client_and_per_email(db: Any, settings: Any) -> None:
    settings.CLEANNET_REPORTS_PER_HOUR_PER_CLIENT = 2
    settings.CLEANNET_REPORTS_PER_DAY_PER_EMAIL = 1
    assert services.allow_report("192.0.2.1", "a@example.org")
    assert not services.allow_report("192.0.2.2", "A@Example.org ")
    assert services.allow_report("192.0.2.1", "")
    assert not services.allow_report("192.0.2.1", "")
