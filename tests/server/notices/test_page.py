"""The walled-garden page: public by its secret link, in Vietnamese and English, marks the
page notice delivered when seen, takes "I have cleaned my device" and lifts the redirect."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.encyclopedia.models import FamilyProfile
from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.outbox import claim
from cleannet.server.notices.warnings import plan_warnings
from cleannet.server.notices.worker import deliver_batch

from .subscriber_world import day, find, node_run_fixture, subscriber_urls_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

State = WarningTicket.State


@pytest.fixture
def ticket(node_run, subscriber_urls) -> WarningTicket:
    """``sub-3`` (no contact: the page channel only) warned about Mirai, its page sent."""
    FamilyProfile.objects.update_or_create(
        slug="mirai",
        defaults={"name": "Mirai", "kind": "botnet", "severity": "high",
                  "summary_vi": "Mạng máy tính ma", "summary_en": "A botnet",
                  "removal_vi": "Khởi động lại bộ định tuyến\nĐổi mật khẩu mặc định",
                  "removal_en": "Restart the router\nChange the default password"},
    )  # fmt: skip
    find(node_run, "sub-3", "Mirai", day(0), day(1), ip="203.0.113.77")
    plan_warnings(day(1))
    summary = deliver_batch(claim("test", 10))
    assert summary.sent == 1
    return WarningTicket.objects.get()


def _url(ticket: WarningTicket) -> str:
    return f"/notice/{ticket.page_token}/"


def test_it_shows_the_warning_in_vietnamese_by_default(client: Client, ticket):
    response = client.get(_url(ticket))

    page = response.content.decode()
    assert response.status_code == 200 and '<html lang="vi">' in page
    assert "Khởi động lại bộ định tuyến" in page and "Restart the router" not in page
    assert "203.0.113.77" in page and ticket.number in page and "Mirai" in page
    assert 'href="/malware/mirai/"' in page and 'href="/tools/"' in page
    assert "sub-3" not in page  # nothing personal beyond family, times and address
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert not re.search(r'(src|href)="(https?:)?//', page)  # no outside resources


def test_it_shows_the_warning_in_english_after_the_language_switch(client: Client, ticket):
    response = client.get("/i18n/switch/", {"language": "en", "next": _url(ticket)}, follow=True)

    page = response.content.decode()
    assert response.redirect_chain[-1][0] == _url(ticket)
    assert '<html lang="en">' in page and "Restart the router" in page
    assert "I have cleaned my device" in page


def test_it_marks_the_page_notice_delivered_when_first_seen(client: Client, ticket):
    assert ticket.redirect_active and ticket.page_viewed_at is None
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT

    client.get(_url(ticket))
    first_view = WarningTicket.objects.get().page_viewed_at
    client.get(_url(ticket))

    message = OutboxMessage.objects.get()
    assert message.status == OutboxMessage.Status.DELIVERED and message.delivered_at
    assert first_view is not None and WarningTicket.objects.get().page_viewed_at == first_view


def test_it_takes_the_acknowledgement_with_a_csrf_token_and_lifts_the_redirect(ticket):
    client = Client(enforce_csrf_checks=True)
    assert client.post(_url(ticket)).status_code == 403  # no token: refused
    client.get(_url(ticket))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = client.post(_url(ticket), {"csrfmiddlewaretoken": token})

    assert response.status_code == 302 and response["Location"] == _url(ticket)
    ticket.refresh_from_db()
    assert (ticket.state, ticket.redirect_active) == (State.ACKNOWLEDGED, False)
    assert ticket.acknowledged_at is not None
    assert AuditEntry.objects.filter(action="warning_ticket.acknowledge").count() == 1
    entry = AuditEntry.objects.get(action="warning_ticket.acknowledge")
    assert ticket.page_token not in str(entry.after)
    thanks = client.get(_url(ticket)).content.decode()
    assert "Cảm ơn bạn đã làm sạch thiết bị" in thanks and '<form method="post"' not in thanks


def test_it_answers_404_for_a_wrong_token(client: Client, ticket):
    wrong = ticket.page_token[:-1] + ("A" if ticket.page_token[-1] != "A" else "B")
    assert client.get(f"/notice/{wrong}/").status_code == 404
    assert client.get("/notice/short/").status_code == 404
    assert client.post(f"/notice/{wrong}/").status_code == 404
    assert WarningTicket.objects.get().state == State.OPEN


def test_it_says_there_is_nothing_to_do_on_a_closed_ticket(client: Client, ticket):
    plan_warnings(day(40))

    response = client.get(_url(ticket))

    assert response.status_code == 200
    assert "Không cần làm gì thêm" in response.content.decode()
    client.post(_url(ticket))
    assert WarningTicket.objects.get().state == State.CLOSED
