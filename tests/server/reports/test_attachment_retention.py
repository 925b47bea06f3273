"""A closed report's attachment files are deleted from disk after the retention period; the
rows keep hash and verdict and say when the file went; the public pages say so."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.reports import retention, services, tasks
from cleannet.server.reports import triage_services as triage
from cleannet.server.reports.models import Report, ReportAttachment

pytestmark = pytest.mark.django_db

CONTENT = b"%PDF-1.4 invoice\n"


def _attach(report: Report, content: bytes = CONTENT) -> ReportAttachment:
    attachment = services.add_attachment(None, report, "hoa-don.pdf", [content])
    ReportAttachment.objects.filter(pk=attachment.pk).update(
        verdict="malicious", detections=["Test-Sig"]
    )
    return attachment


def _close(analyst: Any, report: Report, days_ago: float) -> None:
    for status in ("triaging", "rejected", "closed"):
        triage.change_status(analyst, report, status)
    closed_at = timezone.now() - dt.timedelta(days=days_ago)
    Report.objects.filter(pk=report.pk).update(closed_at=closed_at)


def test_it_deletes_the_file_of_a_report_closed_long_ago(personas, file_report) -> None:
    report, _ = file_report()
    attachment = _attach(report)
    _close(personas.analyst.user, report, days_ago=91)
    assert retention.delete_expired_attachments() == 1
    attachment.refresh_from_db()
    assert not Path(attachment.stored_path).exists()
    assert attachment.file_deleted_at is not None
    assert (attachment.verdict, attachment.detections) == ("malicious", ["Test-Sig"])
    assert len(attachment.sha256) == 64 and attachment.size == len(CONTENT)
    entry = AuditEntry.objects.get(action="reports.attachment_file_deleted")
    assert entry.object_id == str(attachment.pk) and entry.after["file_deleted_at"]
    assert retention.delete_expired_attachments() == 0  # once


def test_it_keeps_files_of_recently_closed_and_open_reports(personas, file_report) -> None:
    recent, _ = file_report(title="closed last month")
    still_open, _ = file_report(title="still being handled")
    kept = [_attach(recent, b"one"), _attach(still_open, b"two")]
    _close(personas.analyst.user, recent, days_ago=89)
    triage.change_status(personas.analyst.user, still_open, "triaging")
    Report.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - dt.timedelta(400))
    assert retention.delete_expired_attachments() == 0
    assert all(Path(a.stored_path).exists() for a in kept)
    assert not ReportAttachment.objects.filter(file_deleted_at__isnull=False).exists()


def test_the_period_comes_from_the_setting(personas, file_report, settings) -> None:
    report, _ = file_report()
    attachment = _attach(report)
    _close(personas.analyst.user, report, days_ago=8)
    settings.CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS = 7
    assert retention.delete_expired_attachments() == 1
    assert not Path(attachment.stored_path).exists()


@pytest.mark.parametrize("bad", [-1, "a week"])
def test_a_bad_period_is_refused_by_name(settings, bad) -> None:
    settings.CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS = bad
    with pytest.raises(ImproperlyConfigured, match="CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS"):
        retention.delete_expired_attachments()


def test_the_same_file_stays_while_an_open_report_still_has_it(personas, file_report) -> None:
    closed, _ = file_report(title="first")
    still_open, _ = file_report(title="second")
    old, current = _attach(closed), _attach(still_open)
    assert old.stored_path == current.stored_path  # stored once per content
    _close(personas.analyst.user, closed, days_ago=100)
    assert retention.delete_expired_attachments() == 1
    assert Path(current.stored_path).read_bytes() == CONTENT
    old.refresh_from_db()
    assert old.file_deleted_at is not None


def test_the_daily_task_deletes_and_the_triage_page_says_so(
    personas, file_report, signed_in
) -> None:
    report, _ = file_report()
    attachment = _attach(report)
    _close(personas.analyst.user, report, days_ago=120)
    tasks.delete_old_attachment_files.call_local()
    analyst = signed_in("analyst")
    analyst.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = analyst.get(f"/triage/{report.tracking_number}/").content.decode()
    assert "file deleted on" in page and attachment.sha256 in page
    download = f"/triage/{report.tracking_number}/attachments/{attachment.pk}/"
    assert analyst.get(download).status_code == 404


def test_a_deleted_files_row_is_not_served_even_if_its_content_is_kept(
    personas, file_report, signed_in
) -> None:
    closed, _ = file_report(title="first")
    still_open, _ = file_report(title="second")
    old, _current = _attach(closed), _attach(still_open)
    _close(personas.analyst.user, closed, days_ago=100)
    retention.delete_expired_attachments()
    download = f"/triage/{closed.tracking_number}/attachments/{old.pk}/"
    assert signed_in("analyst").get(download).status_code == 404


@pytest.mark.parametrize("path", ["/report/", "/report/phishing/"])
def test_the_public_pages_state_the_retention(path, settings) -> None:
    settings.CLEANNET_REPORTS_KEEP_ATTACHMENT_DAYS = 30
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(path).content.decode()
    assert "deleted 30 days after your report is closed" in page
