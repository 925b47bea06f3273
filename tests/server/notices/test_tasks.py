"""The worker's notices tasks: all four are scheduled, and the planning task plans."""

from __future__ import annotations

import pytest
from huey.contrib.djhuey import HUEY

from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.tasks import deliver_notices
from cleannet.server.notices.warning_tasks import plan_subscriber_warnings

from .subscriber_world import contacts_fixture, find, node_run_fixture  # noqa: F401


def test_it_schedules_delivery_erasure_owner_reports_and_warnings() -> None:
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    assert {
        "deliver_notices", "erase_old_notices", "run_owner_reports", "plan_subscriber_warnings",
    } <= names  # fmt: skip


@pytest.mark.django_db
def test_it_plans_the_warnings_the_findings_call_for(node_run, contacts) -> None:
    from django.utils import timezone

    find(node_run, "sub-1", "Mirai", timezone.now())

    queued = plan_subscriber_warnings.call_local()

    ticket = WarningTicket.objects.get()
    assert queued == 3
    assert OutboxMessage.objects.filter(ticket_ref=ticket.number).count() == 3


@pytest.mark.django_db
def test_it_delivers_nothing_and_fails_nothing_on_an_empty_outbox() -> None:
    deliver_notices.call_local()
    assert not OutboxMessage.objects.exists()
