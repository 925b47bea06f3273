"""A ticket and the messages it asks for commit together: a failure after ``enqueue`` undoes
both, and the next run does the work again."""

from __future__ import annotations

import pytest

from cleannet.server.notices import warning_notices, warnings
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.warnings import PlanSummary, plan_warnings

from .subscriber_world import contacts_fixture, day, find, node_run_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


@pytest.fixture
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Spy on ``enqueue``: the stages it was called with."""
    calls: list[str] = []
    real = warning_notices.enqueue

    def spy(**fields):
        calls.append(fields["stage"])
        return real(**fields)

    monkeypatch.setattr(warning_notices, "enqueue", spy)
    return calls


def _fail_on_notice(monkeypatch: pytest.MonkeyPatch) -> None:
    real = warnings.audit_ticket

    def audit(actor, action, ticket, before):
        if action == "notice":  # after the messages were queued
            raise Boom
        return real(actor, action, ticket, before)

    monkeypatch.setattr(warnings, "audit_ticket", audit)


def test_it_rolls_back_a_new_ticket_and_its_messages_together(
    node_run, contacts, enqueued, monkeypatch
):
    find(node_run, "sub-1", "Mirai", day(0))
    _fail_on_notice(monkeypatch)

    with pytest.raises(Boom):
        plan_warnings(day(0))

    assert enqueued == ["first", "first", "first"]
    assert not WarningTicket.objects.exists() and not OutboxMessage.objects.exists()
    monkeypatch.undo()
    assert plan_warnings(day(0)) == PlanSummary(opened=1, queued=3)


def test_it_rolls_back_an_escalation_and_its_messages_together(
    node_run, contacts, enqueued, monkeypatch
):
    find(node_run, "sub-1", "Mirai", day(0))
    plan_warnings(day(0))
    find(node_run, "sub-1", "Mirai", day(0), day(7))
    _fail_on_notice(monkeypatch)

    with pytest.raises(Boom):
        plan_warnings(day(8))

    ticket = WarningTicket.objects.get()
    assert enqueued.count("reminder") == 3
    assert (ticket.stage, ticket.last_found, ticket.notices_sent) == ("first", day(0), 1)
    assert set(OutboxMessage.objects.values_list("stage", flat=True)) == {"first"}
