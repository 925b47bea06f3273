"""The ISP workspace's warning sections: tickets, delivery per channel, failures, the node's
warning figures and the owner reports — the operator's organisation's only, and never a
subscriber's contact."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings

from cleannet.server.node.notice_counts import NoticeCount, replace_notice_counts
from cleannet.server.notices.models import OutboxMessage, OwnerReport, WarningTicket
from cleannet.server.notices.tracking import ChannelDelivery
from cleannet.server.workspace.isp import delivery_bar

pytestmark = pytest.mark.django_db

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
CONTACTS = ("sub-hanoi-0042", "lan.nguyen@example.net", "+84912345678", "page-secret-0123456789")


@pytest.fixture
def warnings() -> None:
    """One Mirai ticket: an e-mail that failed quoting the address, an SMS sent, a page viewed."""
    WarningTicket.objects.create(
        number="W-2026-000042", subscriber=CONTACTS[0], family="mirai", stage="first",
        notices_sent=3, first_found=NOW, last_found=NOW, last_ip="10.0.0.42",
        page_token=CONTACTS[3],
    )  # fmt: skip
    for n, (channel, status, recipient) in enumerate(
        [("email", "failed", CONTACTS[1]), ("sms", "sent", CONTACTS[2]), ("page", "delivered", "")]
    ):
        OutboxMessage.objects.create(
            key=f"{n:064d}", message_id=f"<{n}@x.invalid>", kind="subscriber_warning",
            channel=channel, stage="first", language="vi", ticket_ref="W-2026-000042",
            recipient=recipient, recipient_hash=f"{n:064x}", body=f"Dear {CONTACTS[0]}",
            status=status, failed_at=NOW if status == "failed" else None,
            last_error=f"550 <{CONTACTS[1]}> unknown" if status == "failed" else "",
        )  # fmt: skip


def _report(organisation: Any, number: str) -> OwnerReport:
    return OwnerReport.objects.create(
        number=number, organisation=organisation, format="csv", first_event_at=NOW,
        last_event_at=NOW, event_count=7,
    )  # fmt: skip


def _page(client: Any) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the assertions read English text
    response = client.get("/workspace/")
    assert response.status_code == 200
    return response.content.decode()


def test_it_shows_the_tickets_and_their_delivery(
    signed_in: Callable[[str], Any], warnings: None
) -> None:
    page = _page(signed_in("isp"))

    assert "W-2026-000042" in page and "mirai" in page
    assert 'class="delivery-bar"' in page and "E-mail · Failed: 1" in page
    assert "Walled-garden page · Delivered: 1" in page
    assert "550 &lt;[address]&gt; unknown" in page


def test_it_never_shows_a_subscribers_identifier_or_contact(
    signed_in: Callable[[str], Any], warnings: None
) -> None:
    page = _page(signed_in("isp"))

    for secret in (*CONTACTS, "10.0.0.42"):
        assert secret not in page


def test_it_lists_only_the_operators_organisations_reports_with_downloads(
    signed_in: Callable[[str], Any], personas: Any
) -> None:
    _report(personas.isp_org, "R-2026-000001")
    _report(personas.other_isp_org, "R-2026-000002")
    _report(personas.bank, "R-2026-000003")

    page = _page(signed_in("isp"))

    assert "R-2026-000001" in page
    assert "/workspace/reports/R-2026-000001/csv" in page
    assert "R-2026-000002" not in page and "R-2026-000003" not in page
    assert 'href="/workspace/reports/"' in page


def test_it_says_so_when_no_report_was_sent(signed_in: Callable[[str], Any], personas: Any) -> None:
    _report(personas.other_isp_org, "R-2026-000002")
    page = _page(signed_in("isp"))
    assert "No report has been sent to your organisation yet." in page


def test_it_shows_the_nodes_warning_figures_of_its_own_organisation(
    signed_in: Callable[[str], Any], personas: Any
) -> None:
    day = NOW.date() - dt.timedelta(days=1)
    replace_notice_counts(personas.isp.user, day, day, [NoticeCount(day, "Gammabot", 5, 9, 7)])
    replace_notice_counts(personas.other_isp.user, day, day, [NoticeCount(day, "Deltabot", 1)])

    page = _page(signed_in("isp"))

    assert "Gammabot" in page and "Deltabot" not in page


@pytest.mark.parametrize("persona", ["admin", "analyst", "member"])
def test_other_roles_get_their_own_page_without_tickets(
    signed_in: Callable[[str], Any], warnings: None, persona: str
) -> None:
    page = _page(signed_in(persona))
    assert "W-2026-000042" not in page and "delivery-bar" not in page


def test_it_draws_nothing_for_a_channel_without_messages() -> None:
    empty = delivery_bar(ChannelDelivery("sms", "SMS", 0, 0, 0, 0))
    half = delivery_bar(ChannelDelivery("sms", "SMS", 0, 1, 1, 0))
    assert "<rect" not in empty
    assert 'x="0.00" y="0" width="50.00"' in half and 'x="50.00" y="0" width="50.00"' in half
