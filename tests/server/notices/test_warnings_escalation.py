"""Planning subscriber warnings over simulated days: first notice, cooldown, reminder, final,
re-infection after an acknowledgement, closing after quiet days."""

from __future__ import annotations

import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.tickets import acknowledge
from cleannet.server.notices.warnings import PlanSummary, plan_warnings

from .subscriber_world import contacts_fixture, day, find, node_run_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

State = WarningTicket.State


def sent(ticket: WarningTicket) -> list[tuple[str, str]]:
    rows = OutboxMessage.objects.filter(ticket_ref=ticket.number).order_by("id")
    return [(row.stage, row.channel) for row in rows]


def test_it_escalates_first_reminder_final_then_stops(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))

    first = plan_warnings(day(0))

    ticket = WarningTicket.objects.get()
    assert first == PlanSummary(opened=1, queued=3)
    assert (ticket.stage, ticket.state, ticket.notices_sent) == ("first", State.OPEN, 1)
    assert ticket.number == "W-2026-000001" and len(ticket.page_token) == 32
    assert sent(ticket) == [("first", "email"), ("first", "sms"), ("first", "page")]
    page = OutboxMessage.objects.get(channel="page")
    assert page.recipient == ticket.number and ticket.page_token in page.body
    # Not seen since the first notice: no reminder however long we wait.
    assert plan_warnings(day(8)) == PlanSummary()
    find(node_run, "sub-1", "Mirai", day(0), day(6))
    assert plan_warnings(day(6.5)) == PlanSummary()  # seen again, but under escalate_days

    assert plan_warnings(day(8)) == PlanSummary(escalated=1, queued=3)
    find(node_run, "sub-1", "Mirai", day(0), day(14))
    assert plan_warnings(day(15)) == PlanSummary(escalated=1, queued=3)
    find(node_run, "sub-1", "Mirai", day(0), day(22))
    assert plan_warnings(day(23)) == PlanSummary()  # after the final notice, nothing more

    ticket.refresh_from_db()
    assert (ticket.stage, ticket.notices_sent, ticket.last_found) == ("final", 3, day(22))
    assert [stage for stage, channel in sent(ticket) if channel == "email"] == [
        "first", "reminder", "final",
    ]  # fmt: skip
    assert AuditEntry.objects.filter(action="warning_ticket.notice").count() == 3


def test_it_holds_a_second_family_back_for_the_cooldown(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))
    plan_warnings(day(0))
    find(node_run, "sub-1", "Gafgyt", day(1), ip="203.0.113.9")

    held = plan_warnings(day(1))

    gafgyt = WarningTicket.objects.get(family="Gafgyt")
    assert held == PlanSummary(opened=1, skipped_cooldown=1)
    assert (gafgyt.stage, gafgyt.last_ip, sent(gafgyt)) == ("", "203.0.113.9", [])
    assert plan_warnings(day(2.9)) == PlanSummary(skipped_cooldown=1)
    assert plan_warnings(day(3)) == PlanSummary(queued=3)
    gafgyt.refresh_from_db()
    assert gafgyt.stage == "first"


def test_it_sends_one_notice_at_a_time_when_two_families_are_found_together(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))
    find(node_run, "sub-1", "Gafgyt", day(0.5))

    summary = plan_warnings(day(1))

    assert summary == PlanSummary(opened=2, queued=3, skipped_cooldown=1)
    assert WarningTicket.objects.get(family="Mirai").stage == "first"  # the older infection


def test_it_flags_a_reinfection_after_the_acknowledgement_and_warns_again(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))
    plan_warnings(day(0))
    ticket = acknowledge(WarningTicket.objects.get(), day(1))
    assert plan_warnings(day(2)) == PlanSummary()  # nothing seen since the acknowledgement

    find(node_run, "sub-1", "Mirai", day(0), day(4))
    summary = plan_warnings(day(5))

    ticket.refresh_from_db()
    assert summary == PlanSummary(reinfected=1, queued=3)
    assert (ticket.state, ticket.reinfected, ticket.reinfected_at) == (State.OPEN, True, day(5))
    assert ticket.stage == "reinfected"
    assert ("reinfected", "page") in sent(ticket)
    find(node_run, "sub-1", "Mirai", day(0), day(11))
    assert plan_warnings(day(12)) == PlanSummary(escalated=1, queued=3)  # escalation restarts
    ticket.refresh_from_db()
    assert ticket.stage == "reminder"


def test_it_sends_a_second_cycles_reminder_as_a_new_message(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))
    plan_warnings(day(0))
    find(node_run, "sub-1", "Mirai", day(0), day(6))
    assert plan_warnings(day(8)) == PlanSummary(escalated=1, queued=3)  # cycle 0's reminder
    acknowledge(WarningTicket.objects.get(), day(9))
    find(node_run, "sub-1", "Mirai", day(0), day(10))
    assert plan_warnings(day(11)) == PlanSummary(reinfected=1, queued=3)
    find(node_run, "sub-1", "Mirai", day(0), day(18))

    again = plan_warnings(day(19))

    ticket = WarningTicket.objects.get()
    assert again == PlanSummary(escalated=1, queued=3)  # not swallowed by cycle 0's keys
    assert (ticket.stage, ticket.cycle) == ("reminder", 1)
    reminders = OutboxMessage.objects.filter(ticket_ref=ticket.number, stage="reminder")
    assert reminders.count() == 6
    assert len({row.message_id for row in reminders.filter(channel="email")}) == 2


def test_it_closes_a_quiet_ticket_and_lifts_its_redirect(node_run, contacts):
    find(node_run, "sub-1", "Mirai", day(0))
    plan_warnings(day(0))
    WarningTicket.objects.update(redirect_active=True)
    assert plan_warnings(day(29)).closed == 0

    summary = plan_warnings(day(31))

    ticket = WarningTicket.objects.get()
    assert summary == PlanSummary(closed=1)
    assert (ticket.state, ticket.closed_at, ticket.redirect_active) == (
        State.CLOSED, day(31), False,
    )  # fmt: skip
    find(node_run, "sub-1", "Mirai", day(0), day(40))
    assert plan_warnings(day(40)) == PlanSummary(opened=1, queued=3)
    assert WarningTicket.objects.get(state=State.OPEN).number == "W-2026-000002"


def test_it_warns_a_subscriber_without_a_contact_on_the_page_only(node_run):
    find(node_run, "sub-3", "Mirai", day(0))

    assert plan_warnings(day(0)) == PlanSummary(opened=1, queued=1)

    message = OutboxMessage.objects.get()
    assert (message.channel, message.language, message.stage) == ("page", "vi", "first")


def test_it_keeps_to_the_channels_the_contact_and_the_settings_allow(node_run, contacts, settings):
    import dataclasses

    find(node_run, "sub-2", "Mirai", day(0))
    find(node_run, "sub-1", "Mirai", day(0))
    settings.CLEANNET_NOTICES = dataclasses.replace(
        settings.CLEANNET_NOTICES, subscriber_channels=("email", "page")
    )

    plan_warnings(day(0))

    by_ticket = {t.subscriber: sent(t) for t in WarningTicket.objects.all()}
    assert by_ticket["sub-2"] == [("first", "email")]  # the contact allows e-mail only
    assert by_ticket["sub-1"] == [("first", "email"), ("first", "page")]  # no SMS here
    english = OutboxMessage.objects.get(recipient="bo@example.org")
    assert english.language == "en"
