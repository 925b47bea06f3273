"""The node's notice figures per UTC day and family reconcile with its tickets and messages."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest

from cleannet.server.node.notice_counts import NoticeCount
from cleannet.server.notices.counts import SENT_DAYS, notice_counts, outgoing_notice_counts
from cleannet.server.notices.models import OutboxMessage, WarningTicket

pytestmark = pytest.mark.django_db

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)
_serial = itertools.count(1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)


def ticket(number: str, family: str, **fields: Any) -> WarningTicket:
    defaults = {"first_found": at(D1, 8), "last_found": at(D1, 9)}
    return WarningTicket.objects.create(
        number=number,
        subscriber=f"sub-{number}",
        family=family,
        page_token=f"token-{number}-0123456789abcdef",
        **{**defaults, **fields},
    )


def message(ticket_ref: str, channel: str, status: str, created: dt.datetime, **fields: Any):
    n = next(_serial)
    defaults = {"kind": "subscriber_warning", "stage": "first", "language": "vi", "body": "b"}
    return OutboxMessage.objects.create(
        key=f"{n:064d}",
        message_id=f"<{n}@cleannet.invalid>",
        channel=channel,
        status=status,
        ticket_ref=ticket_ref,
        recipient=f"person{n}@example.net",
        recipient_hash=f"{n:064x}",
        created_at=created,
        **{**defaults, **fields},
    )


@pytest.fixture
def world() -> None:
    """Two Mirai tickets over two days, one without a family, one Gafgyt; an owner report."""
    ticket("W-2026-000001", "mirai", state="acknowledged", acknowledged_at=at(D2, 10))
    message("W-2026-000001", "email", "sent", at(D1, 8, 5), sent_at=at(D1, 8, 6))
    message("W-2026-000001", "page", "delivered", at(D1, 8, 5), sent_at=at(D1, 8, 6),
            delivered_at=at(D2, 9))  # fmt: skip
    ticket("W-2026-000002", "mirai", acknowledged_at=at(D1, 20), reinfected=True,
           reinfected_at=at(D2, 12), last_found=at(D2, 12), stage="reinfected")  # fmt: skip
    message("W-2026-000002", "sms", "sent", at(D1, 23, 59), sent_at=at(D2, 0, 1))
    message("W-2026-000002", "email", "failed", at(D2, 12), stage="reinfected",
            failed_at=at(D2, 12, 5), last_error="550 <bob@example.net>: no such user")  # fmt: skip
    ticket("W-2026-000003", "", last_found=at(D2, 13))
    ticket("W-2026-000004", "gafgyt", state="closed", closed_at=at(D2, 18))
    message("W-2026-000004", "email", "pending", at(D2, 7))
    message("W-2026-000004", "sms", "failed", at(D2, 7), failed_at=at(D2, 7, 1),
            last_error="invalid destination +84912345678")  # fmt: skip
    message("W-2026-000004", "page", "sending", at(D2, 7))
    message("R-2026-000001", "email", "sent", at(D1, 6), kind="owner_report", sent_at=at(D1, 6))


SAME_DAY, NEXT_DAY = (1, 0, 0, 0, 0, 0), (0, 1, 0, 0, 0, 0)  # time to clean, per bucket


def test_it_counts_each_figure_on_its_own_utc_day_and_family(world: None) -> None:
    assert notice_counts(D1, D2) == [
        NoticeCount(D1, "mirai", warned=2, sent=2, acknowledged=1, time_to_clean=SAME_DAY),
        NoticeCount(D2, "gafgyt", warned=1),
        NoticeCount(
            D2, "mirai", sent=1, delivered=1, acknowledged=1, reinfected=1, time_to_clean=NEXT_DAY
        ),
    ]


def test_it_reconciles_with_the_messages_and_tickets(world: None) -> None:
    counts = notice_counts(D1, D2)
    warnings = OutboxMessage.objects.filter(kind="subscriber_warning")

    assert sum(c.sent for c in counts) == warnings.filter(sent_at__isnull=False).count()
    assert sum(c.delivered for c in counts) == warnings.filter(delivered_at__isnull=False).count()
    assert sum(c.warned for c in counts) == len(set(warnings.values_list("ticket_ref", flat=True)))
    tickets = WarningTicket.objects
    assert (
        sum(c.acknowledged for c in counts) == tickets.filter(acknowledged_at__isnull=False).count()
    )
    assert sum(c.reinfected for c in counts) == tickets.filter(reinfected=True).count()


def test_it_keeps_to_the_days_asked_for(world: None) -> None:
    assert notice_counts(D2, D2) == notice_counts(D1, D2)[1:]
    assert notice_counts(D1, D1) == [
        NoticeCount(D1, "mirai", warned=2, sent=2, acknowledged=1, time_to_clean=SAME_DAY)
    ]


def test_it_counts_a_tickets_first_warning_once_whatever_came_after(world: None) -> None:
    message("W-2026-000001", "email", "sent", at(D2, 8), stage="reminder", sent_at=at(D2, 8))
    d2_mirai = notice_counts(D2, D2)[1]
    assert (d2_mirai.warned, d2_mirai.sent) == (0, 2)


def test_it_sends_the_last_days_as_the_hubs_api_takes_them(world: None) -> None:
    body = outgoing_notice_counts(now=at(D2, 23))

    assert body["until"] == "2026-03-02"
    assert body["since"] == (D2 - dt.timedelta(days=SENT_DAYS - 1)).isoformat()
    assert body["rows"][1] == {
        "day": "2026-03-02", "family": "gafgyt", "warned": 1, "sent": 0, "delivered": 0,
        "acknowledged": 0, "reinfected": 0, "time_to_clean": [0, 0, 0, 0, 0, 0],
    }  # fmt: skip
    assert body["rows"][2]["time_to_clean"] == list(NEXT_DAY)
    assert len(body["rows"]) == 3


def test_it_sends_no_identifier_of_a_subscriber_or_a_ticket(world: None) -> None:
    text = repr(outgoing_notice_counts(now=at(D2, 23)))
    assert "sub-" not in text and "W-2026" not in text and "example.net" not in text


def test_it_sends_an_empty_window_when_nothing_was_warned() -> None:
    body = outgoing_notice_counts(now=at(D2, 23))
    assert body["rows"] == [] and body["until"] == "2026-03-02"
