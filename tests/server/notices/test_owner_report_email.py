"""An owner report's e-mail end to end: rule run → outbox → worker → an aiosmtpd relay on the
loopback, with the ticket header and the file attached."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

from cleannet.server.notices.models import OutboxMessage
from cleannet.server.notices.owner_report_rules import save_rule
from cleannet.server.notices.owner_reports import run_report_rules
from cleannet.server.notices.worker import deliver_pending

from .channels.loopback import Relay, free_port
from .owner_report_world import NOW, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relay(settings) -> Iterator[Relay]:
    handler = Relay(port=free_port())
    handler.controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    handler.controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", handler.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.CLEANNET_NOTICES = dataclasses.replace(
        settings.CLEANNET_NOTICES, from_address="CleanNet <bao-cao@cleannet.example>"
    )
    try:
        yield handler
    finally:
        handler.controller.stop()


def test_it_delivers_the_report_with_its_file_to_the_owner(report_world, relay) -> None:
    save_rule(None, report_world.personas.isp_org, interval="immediate")
    [report] = run_report_rules(NOW)
    summary = deliver_pending(until_empty=True, max_seconds=20)
    assert summary.sent == 1
    [message] = relay.messages
    assert relay.envelopes[0][1] == ["abuse@songhong.example"]
    assert message["X-CleanNet-Ticket"] == report.number
    assert report.number in message["Subject"]
    stored = OutboxMessage.objects.get()
    assert message["Message-ID"].strip() == stored.message_id  # a long header is folded
    assert stored.status == OutboxMessage.Status.SENT
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == f"cleannet-{report.number}.csv"
    rows = list(csv.DictReader(io.StringIO(attachment.get_content())))
    assert sorted(row["source.ip"] for row in rows) == ["203.0.113.1", "203.0.113.2", "203.0.113.9"]
