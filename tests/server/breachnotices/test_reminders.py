"""The worker reminds contacts of unfiled drafts at 24/48/66 h and alerts analysts of late
notices, each once, through Django's mail API (the locmem backend in tests)."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import ReminderSent
from cleannet.server.breachnotices.reminders import send_due_reminders
from cleannet.server.breachnotices.tasks import send_breach_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def discovered(personas, notice_data):
    """Save a draft discovered at a fixed time; return that time."""
    at = timezone.now().replace(microsecond=0) - dt.timedelta(hours=1)
    member = personas.member.user
    services.save_draft(member, member.organisation, notice_data(discovered_at=at))
    return at


def test_it_reminds_the_contact_once_per_threshold(discovered) -> None:
    runs = {
        hours: send_due_reminders(discovered + dt.timedelta(hours=hours))
        for hours in (23, 24, 25, 48.2, 50, 66.5, 71)
    }

    assert [runs[h].contact_reminders for h in (23, 24, 25, 48.2, 50, 66.5, 71)] == [
        0,
        1,
        0,
        1,
        0,
        1,
        0,
    ]
    assert [m.to for m in mail.outbox] == [["DPO@demo-bank.example"]] * 3
    thresholds = ReminderSent.objects.values_list("threshold_hours", flat=True)
    assert sorted(thresholds) == [24, 48, 66]


def test_the_reminder_is_in_vietnamese_then_english_and_says_nothing_of_the_breach(
    discovered,
) -> None:
    send_due_reminders(discovered + dt.timedelta(hours=66))

    message = mail.outbox[0]
    assert message.subject.startswith("Thông báo vi phạm BN-")
    assert " / Breach notice BN-" in message.subject
    assert "6 hours are left." in message.body
    assert message.body.index("Kính gửi") < message.body.index("Dear Nguyễn Thị Lan")
    assert "test server" not in message.body  # the breach itself never goes by e-mail


def test_a_draft_written_late_gets_one_reminder_not_three(discovered) -> None:
    report = send_due_reminders(discovered + dt.timedelta(hours=70))
    again = send_due_reminders(discovered + dt.timedelta(hours=71))

    assert (report.contact_reminders, again.contact_reminders) == (1, 0)
    assert list(ReminderSent.objects.values_list("threshold_hours", flat=True)) == [66]


def test_an_overdue_draft_is_told_the_deadline_has_passed(personas, notice_data) -> None:
    member = personas.member.user
    long_ago = timezone.now() - dt.timedelta(hours=90)
    services.save_draft(member, member.organisation, notice_data(discovered_at=long_ago))
    send_due_reminders()

    assert "The deadline has passed." in mail.outbox[0].body
    assert "is overdue" in mail.outbox[0].subject


def test_filed_notices_are_not_reminded(filed) -> None:
    report = send_due_reminders(filed.discovered_at + dt.timedelta(hours=60))

    assert report.contact_reminders == 0
    assert mail.outbox == []


def test_it_alerts_the_analysts_once_about_a_late_notice(personas, notice_data, filed) -> None:
    member = personas.member.user
    data = notice_data(
        discovered_at=timezone.now() - dt.timedelta(hours=75), late_reason="Found in an audit."
    )
    late = services.save_and_file(member, member.organisation, data)

    first, second = send_due_reminders(), send_due_reminders()

    assert (first.analyst_alerts, second.analyst_alerts) == (1, 0)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["analyst@example.org"]
    assert late.reference in mail.outbox[0].subject
    assert "3 hours after the 72-hour deadline" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action="breach_notice.remind")
    assert entry.object_id == str(late.pk)
    assert entry.after == {"audience": "analysts", "threshold_hours": 72, "recipients": 1}


def test_a_failed_send_is_tried_again_at_the_next_run(discovered, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("relay went away")

    monkeypatch.setattr("cleannet.server.breachnotices.mail.send_mail", refuse)
    failed = send_due_reminders(discovered + dt.timedelta(hours=25))
    assert (failed.contact_reminders, failed.failed) == (0, 1)
    assert ReminderSent.objects.count() == 0

    monkeypatch.undo()
    retried = send_due_reminders(discovered + dt.timedelta(hours=26))
    assert retried.contact_reminders == 1
    assert len(mail.outbox) == 1


def test_the_periodic_task_sends_what_is_due(personas, notice_data) -> None:
    member = personas.member.user
    data = notice_data(discovered_at=timezone.now() - dt.timedelta(hours=30))
    services.save_draft(member, member.organisation, data)

    send_breach_reminders.call_local()

    assert len(mail.outbox) == 1
    assert ReminderSent.objects.get().threshold_hours == 24
