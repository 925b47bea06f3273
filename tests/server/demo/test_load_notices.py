"""The demo's notices: a node's infected subscribers warned and the ISPs' abuse desks sent
their reports, arriving in the demo's loopback mailbox (real SMTP and SMPP servers)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from cleannet.cli.demo_mailbox import DemoMailbox, free_port
from cleannet.server.demo import generate_world, load_world
from cleannet.server.demo.load_notices import SUBSCRIBERS, load_notice_demo
from cleannet.server.notices.models import ContactImport, OutboxMessage, WarningTicket

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(tmp_path: Path, settings: Any) -> Any:
    box = DemoMailbox(tmp_path / "mailbox", free_port(0), free_port(0)).start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", box.smtp_port
    notices = settings.CLEANNET_NOTICES
    settings.CLEANNET_NOTICES = dataclasses.replace(
        notices, smpp=dataclasses.replace(notices.smpp, host="127.0.0.1", port=box.smpp_port)
    )
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield box
    box.stop()


def test_it_warns_the_subscribers_and_reports_to_the_owners_into_the_mailbox(mailbox) -> None:
    now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    load_world(generate_world(seed=11, days=21, events=600, today=now.date()))

    result = load_notice_demo(now)

    assert result.findings == SUBSCRIBERS == WarningTicket.objects.count()
    contacts = ContactImport.objects.get()
    assert (contacts.accepted, contacts.rejected) == (SUBSCRIBERS, 2)
    assert result.delivery.failed == 0 and result.owner_reports >= 1
    assert not OutboxMessage.objects.exclude(status="sent").exclude(channel="page").exists()
    mails = mailbox.mails()
    warnings = [mail for mail in mails if mail.ticket.startswith("W-")]
    reports = [mail for mail in mails if mail.ticket.startswith("R-")]
    assert len(warnings) == SUBSCRIBERS and len(reports) == result.owner_reports
    expected = set(
        OutboxMessage.objects.filter(channel="email").values_list("message_id", flat=True)
    )
    assert {mail.message_id for mail in mails} == expected
    assert len(mailbox.sms) == OutboxMessage.objects.filter(channel="sms").count() > 0


def test_it_sends_nothing_twice_when_run_again(mailbox) -> None:
    now = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)
    load_world(generate_world(seed=11, days=21, events=600, today=now.date()))
    load_notice_demo(now)
    before = len(mailbox.mails())

    again = load_notice_demo(now + dt.timedelta(minutes=5))

    assert (again.findings, again.tickets_opened, again.delivery.sent) == (0, 0, 0)
    assert len(mailbox.mails()) == before
