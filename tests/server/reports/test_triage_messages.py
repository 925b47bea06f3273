"""Notes stay with the analysts; replies reach the reporter by e-mail in their language and
on the status page; a reply that could not be sent is recorded and sent again later; the
analysts get a digest of overdue reports."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.reports import triage_services as triage
from cleannet.server.reports.models import MessageKind, Report
from cleannet.server.reports.triage_mail import (
    deliver_reply,
    retry_unsent_replies,
    send_overdue_digest,
)

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _smtp_refused():
    return override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=_closed_port(),
        EMAIL_USE_TLS=False,
        EMAIL_HOST_USER="",
        EMAIL_HOST_PASSWORD="",
        EMAIL_TIMEOUT=2,
    )


def test_a_note_is_never_e_mailed(personas, file_report) -> None:
    report, _ = file_report()
    note = triage.add_note(personas.analyst.user, report, "Looks like the March campaign.")
    assert deliver_reply(note) is False
    assert mail.outbox == [] and note.emailed_at is None


def test_a_reply_is_e_mailed_in_the_reporters_language(personas, file_report) -> None:
    report, _ = file_report(language="vi", reporter_email="citizen@example.org")
    reply = triage.add_reply(personas.analyst.user, report, "Cảm ơn, chúng tôi đã chặn trang.")
    assert deliver_reply(reply) is True
    [sent] = mail.outbox
    assert sent.to == ["citizen@example.org"]
    assert report.tracking_number in sent.subject
    assert "Cảm ơn, chúng tôi đã chặn trang." in sent.body and "Trạng thái" in sent.body
    reply.refresh_from_db()
    assert reply.emailed_at is not None
    assert deliver_reply(reply) is False  # never twice
    assert len(mail.outbox) == 1


def test_an_english_reporter_gets_english(personas, file_report) -> None:
    report, _ = file_report(language="en")
    deliver_reply(triage.add_reply(personas.analyst.user, report, "Thanks."))
    assert "Status:" in mail.outbox[0].body and "Trạng thái" not in mail.outbox[0].body


def test_a_reply_without_an_address_stays_on_the_status_page_only(personas, file_report) -> None:
    report, _ = file_report(reporter_email="")
    reply = triage.add_reply(personas.analyst.user, report, "Thanks.")
    assert deliver_reply(reply) is False and mail.outbox == []
    assert report.messages.filter(kind=MessageKind.REPLY).count() == 1


def test_a_failed_reply_is_recorded_and_sent_by_the_retry(personas, file_report) -> None:
    report, _ = file_report()
    reply = triage.add_reply(personas.analyst.user, report, "We are looking at it.")
    with _smtp_refused():
        assert deliver_reply(reply) is None
        assert retry_unsent_replies().failed == 1
    reply.refresh_from_db()
    assert reply.emailed_at is None
    failures = AuditEntry.objects.filter(action="report_message.email_failed")
    assert failures.count() == 2 and failures.first().object_id == str(reply.pk)
    outcome = retry_unsent_replies()
    assert (outcome.sent, outcome.failed) == (1, 0)
    assert len(mail.outbox) == 1
    reply.refresh_from_db()
    assert reply.emailed_at is not None


def test_the_digest_lists_overdue_reports_to_the_staff(personas, file_report) -> None:
    late, _ = file_report(kind="phishing")
    recent, _ = file_report(kind="phishing")
    decided, _ = file_report(kind="phishing")
    long_ago = timezone.now() - dt.timedelta(hours=30)
    Report.objects.filter(pk__in=[late.pk, decided.pk]).update(created_at=long_ago, due_at=None)
    for status in ("triaging", "rejected"):
        triage.change_status(personas.analyst.user, decided, status)
    assert send_overdue_digest() == 1
    [digest] = mail.outbox
    assert set(digest.to) == {"admin@example.org", "analyst@example.org"}
    assert late.tracking_number in digest.body
    assert recent.tracking_number not in digest.body
    assert decided.tracking_number not in digest.body


def test_no_digest_when_nothing_is_overdue(personas, file_report) -> None:
    file_report()
    assert send_overdue_digest() == 0 and mail.outbox == []
