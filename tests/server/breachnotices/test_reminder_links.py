"""Reminder e-mails link the notice's page when the site's public address is set, and carry
no link at all when it is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.reminders import send_due_reminders

pytestmark = pytest.mark.django_db

SITE = "https://cleannet.example"


@pytest.fixture
def draft_a_day_old(personas, notice_data):
    member = personas.member.user
    data = notice_data(discovered_at=timezone.now() - dt.timedelta(hours=30))
    return services.save_draft(member, member.organisation, data)


@pytest.fixture
def late_notice(personas, notice_data):
    member = personas.member.user
    data = notice_data(
        discovered_at=timezone.now() - dt.timedelta(hours=75), late_reason="Found in an audit."
    )
    return services.save_and_file(member, member.organisation, data)


def test_the_contact_reminder_links_the_notice_page(settings, draft_a_day_old) -> None:
    settings.CLEANNET_SITE_URL = SITE + "/"
    send_due_reminders()
    [message] = mail.outbox
    link = f"{SITE}/breach-notices/{draft_a_day_old.pk}/"
    assert message.body.count(link) == 2  # once in Vietnamese, once in English
    assert f"The notice's page: {link}" in message.body


def test_the_analysts_alert_links_the_notice_page(settings, late_notice) -> None:
    settings.CLEANNET_SITE_URL = SITE
    send_due_reminders()
    [alert] = [m for m in mail.outbox if late_notice.reference in m.subject]
    assert f"{SITE}/breach-notices/{late_notice.pk}/" in alert.body


@pytest.mark.parametrize("unset", ["", None])
def test_without_a_site_address_no_link_is_sent(settings, draft_a_day_old, late_notice, unset):
    settings.CLEANNET_SITE_URL = unset
    send_due_reminders()
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert "http" not in message.body
        assert "/breach-notices/" not in message.body
        assert "\n\n\n" not in message.body  # no hole where the link would be
