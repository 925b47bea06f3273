"""The page channel turns a ticket's redirect on; the walled-garden list shows the active ones."""

from __future__ import annotations

import pytest

from cleannet.server.notices.channels.base import (
    InvalidRecipient,
    OutgoingMessage,
    PermanentFailure,
)
from cleannet.server.notices.channels.page import PageChannel
from cleannet.server.notices.models import WarningTicket
from cleannet.server.notices.redirects import active_redirects, walled_garden_text
from cleannet.server.notices.tickets import acknowledge
from cleannet.server.notices.warnings import plan_warnings

from .subscriber_world import day, find, node_run_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _message(number: str) -> OutgoingMessage:
    return OutgoingMessage(
        key="k", message_id="<k@x>", channel="page", recipient=number, subject="",
        body="", language="vi", ticket_ref=number,
    )  # fmt: skip


@pytest.fixture
def tickets(node_run) -> list[WarningTicket]:
    find(node_run, "sub-1", "Mirai", day(0), ip="203.0.113.7")
    find(node_run, "sub-2", "Gafgyt", day(0), ip="2001:db8:a::5")
    find(node_run, "sub-3", "Mirai", day(0), ip="203.0.113.9")
    plan_warnings(day(0))
    return list(WarningTicket.objects.order_by("subscriber"))


def test_it_knows_a_ticket_by_its_number_only(tickets):
    channel = PageChannel()

    assert channel.normalise(f" {tickets[0].number.lower()} ") == tickets[0].number
    with pytest.raises(InvalidRecipient):
        channel.normalise("W-2026-999999")
    with pytest.raises(InvalidRecipient):
        channel.normalise("")


def test_it_turns_the_redirect_on_when_the_page_notice_is_sent(tickets):
    sender = PageChannel().open()

    assert sender.send(_message(tickets[0].number)) == ""
    sender.close()

    tickets[0].refresh_from_db()
    assert tickets[0].redirect_active
    assert active_redirects() == [("203.0.113.7", f"/notice/{tickets[0].page_token}/")]
    assert walled_garden_text() == f"203.0.113.7 /notice/{tickets[0].page_token}/\n"


def test_it_leaves_an_acknowledged_ticket_alone_and_fails_for_a_missing_one(tickets):
    acknowledge(tickets[1], day(1))
    sender = PageChannel().open()

    sender.send(_message(tickets[1].number))
    with pytest.raises(PermanentFailure):
        sender.send(_message("W-2026-999999"))

    assert not WarningTicket.objects.get(pk=tickets[1].pk).redirect_active
    assert active_redirects() == []


def test_it_lists_active_redirects_in_address_order_under_the_site_url(tickets, settings):
    settings.CLEANNET_SITE_URL = "https://cleannet.example"
    WarningTicket.objects.update(redirect_active=True)
    acknowledge(tickets[2], day(1))

    listed = active_redirects()

    assert [ip for ip, _url in listed] == ["2001:db8:a::5", "203.0.113.7"]
    assert listed[1][1] == f"https://cleannet.example/notice/{tickets[0].page_token}/"
    assert walled_garden_text().count("\n") == 2
