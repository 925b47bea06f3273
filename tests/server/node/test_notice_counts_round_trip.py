"""Node → hub: the node's warning figures go to a real hub on the loopback with the ISP
operator's token, after its daily counts, and the hub stores them for that ISP only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from cleannet.server.node import outgoing
from cleannet.server.node.hub_client import HubClient, HubError
from cleannet.server.node.models import NodeNoticeCount
from cleannet.server.notices.counts import notice_counts, outgoing_notice_counts
from cleannet.server.notices.models import OutboxMessage, WarningTicket

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def warnings() -> dt.date:
    """Yesterday (UTC): one Mirai ticket warned by e-mail, delivered and acknowledged."""
    now = timezone.now().replace(microsecond=0)
    yesterday = now - dt.timedelta(days=1)
    WarningTicket.objects.create(
        number="W-2026-000001", subscriber="sub-001", family="mirai", state="acknowledged",
        first_found=yesterday, last_found=yesterday, acknowledged_at=yesterday,
        page_token="secret-token-0123456789abcdef",
    )  # fmt: skip
    OutboxMessage.objects.create(
        key="a" * 64, message_id="<a@cleannet.invalid>", kind="subscriber_warning",
        channel="email", stage="first", language="vi", ticket_ref="W-2026-000001",
        recipient="an@example.net", recipient_hash="b" * 64, body="b", status="delivered",
        created_at=yesterday, sent_at=yesterday, delivered_at=yesterday,
    )  # fmt: skip
    return yesterday.astimezone(dt.UTC).date()


def _providing(source: outgoing.NoticeCountSource | None) -> Iterator[None]:
    previous = outgoing.provide_notice_counts(source)
    yield
    outgoing.provide_notice_counts(previous)


@pytest.fixture
def provided() -> Iterator[None]:
    yield from _providing(outgoing_notice_counts)


@pytest.fixture
def nothing_provided() -> Iterator[None]:
    yield from _providing(None)


def test_it_sends_the_figures_and_the_hub_stores_them_for_the_isp(
    live_server, personas, warnings, provided
) -> None:
    hub = HubClient(live_server.url, personas.isp.token, timeout=10.0)

    assert outgoing.send_notice_counts(hub) == 1

    stored = NodeNoticeCount.objects.get()
    assert stored.organisation == personas.isp_org
    assert (stored.day, stored.family) == (warnings, "mirai")
    assert (stored.warned, stored.sent, stored.delivered) == (1, 1, 1)
    assert (stored.acknowledged, stored.reinfected) == (1, 0)
    assert stored.time_to_clean == [1, 0, 0, 0, 0, 0]  # acknowledged the day it was found
    [computed] = notice_counts(warnings, warnings)
    assert (computed.warned, computed.sent, computed.delivered) == (1, 1, 1)


def test_sending_again_changes_nothing(live_server, personas, warnings, provided) -> None:
    hub = HubClient(live_server.url, personas.isp.token, timeout=10.0)
    outgoing.send_notice_counts(hub)
    first = list(NodeNoticeCount.objects.values_list("day", "family", "warned", "sent"))

    assert outgoing.send_notice_counts(hub) == 1
    assert list(NodeNoticeCount.objects.values_list("day", "family", "warned", "sent")) == first


def test_it_sends_nothing_when_no_app_provided_figures(
    live_server, personas, warnings, nothing_provided
) -> None:
    hub = HubClient(live_server.url, personas.isp.token, timeout=10.0)

    assert outgoing.send_notice_counts(hub) == 0
    assert not NodeNoticeCount.objects.exists()


def test_it_reports_a_refusing_hub_as_a_hub_error(
    live_server, personas, warnings, provided
) -> None:
    hub = HubClient(live_server.url, personas.member.token, timeout=10.0)

    with pytest.raises(HubError, match="notice-counts: HTTP 403"):
        outgoing.send_notice_counts(hub)
    assert not NodeNoticeCount.objects.exists()
