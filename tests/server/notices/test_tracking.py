"""What an ISP operator follows of its node's warnings: tickets by state, recent tickets,
delivery states per channel, failures with contacts masked — and who may not."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from cleannet.server.notices.models import OutboxMessage, WarningTicket
from cleannet.server.notices.tracking import (
    ChannelDelivery,
    delivery_by_channel,
    mask_contacts,
    recent_failures,
    recent_tickets,
    ticket_counts,
    tracking_for,
)

pytestmark = pytest.mark.django_db

T = dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC)
_serial = itertools.count(1)


def ticket(number: str, family: str, hours: int, **fields: Any) -> WarningTicket:
    found = T + dt.timedelta(hours=hours)
    return WarningTicket.objects.create(
        number=number, subscriber=f"subscriber-{number}", family=family, first_found=found,
        last_found=found, page_token=f"secret-{number}-0123456789", last_ip="10.0.0.5", **fields,
    )  # fmt: skip


def message(ticket_ref: str, channel: str, status: str, **fields: Any) -> OutboxMessage:
    n = next(_serial)
    fields = {"kind": "subscriber_warning", "stage": "first", **fields}
    return OutboxMessage.objects.create(
        key=f"{n:064d}", message_id=f"<{n}@cleannet.invalid>", channel=channel, language="vi",
        ticket_ref=ticket_ref, recipient=f"person{n}@example.net", recipient_hash=f"{n:064x}",
        body="b", status=status, **fields,
    )  # fmt: skip


@pytest.fixture
def world() -> None:
    ticket("W-2026-000001", "mirai", 0, state="acknowledged", stage="first", notices_sent=2,
           acknowledged_at=T + dt.timedelta(hours=5))  # fmt: skip
    ticket("W-2026-000002", "mirai", 2, stage="reinfected", notices_sent=3, reinfected=True)
    ticket("W-2026-000003", "", 1)
    ticket("W-2026-000004", "gafgyt", -1, state="closed", closed_at=T)
    message("W-2026-000001", "email", "sent", sent_at=T)
    message("W-2026-000001", "page", "delivered", sent_at=T, delivered_at=T)
    message("W-2026-000002", "sms", "sent", sent_at=T)
    message("W-2026-000002", "email", "failed", failed_at=T + dt.timedelta(hours=4),
            last_error="550 5.1.1 <bob@example.net>: no such user")  # fmt: skip
    message("W-2026-000004", "email", "pending")
    message("W-2026-000004", "sms", "failed", failed_at=T,
            last_error="SMPP 0x0000000B invalid destination +84 912 345 678")  # fmt: skip
    message("W-2026-000004", "page", "sending")
    message("R-2026-000001", "email", "failed", kind="owner_report", failed_at=T, last_error="x")


def test_it_counts_the_tickets_in_every_state(world: None) -> None:
    assert [(state, n) for state, _label, n in ticket_counts()] == [
        ("open", 2), ("acknowledged", 1), ("closed", 1),
    ]  # fmt: skip


def test_it_lists_the_latest_found_tickets_without_the_subscriber(world: None) -> None:
    rows = recent_tickets(limit=3)

    assert [row.number for row in rows] == ["W-2026-000002", "W-2026-000003", "W-2026-000001"]
    latest = rows[0]
    assert (latest.family, latest.state, latest.stage, latest.notices_sent) == (
        "mirai", "open", "reinfected", 3,
    )  # fmt: skip
    assert latest.reinfected and latest.acknowledged_at is None
    assert rows[2].acknowledged_at == T + dt.timedelta(hours=5)
    assert not {"subscriber", "last_ip", "page_token"} & set(vars(latest))


def test_it_counts_the_delivery_states_of_every_channel(world: None) -> None:
    with translation.override("en"):
        by_channel = delivery_by_channel()
    assert by_channel == [
        ChannelDelivery("email", "E-mail", pending=1, sent=1, delivered=0, failed=1),
        ChannelDelivery("sms", "SMS", pending=0, sent=1, delivered=0, failed=1),
        ChannelDelivery("page", "Walled-garden page", pending=1, sent=0, delivered=1, failed=0),
    ]


def test_it_lists_failures_newest_first_with_contacts_masked(world: None) -> None:
    failures = recent_failures()

    assert [(f.ticket, f.channel) for f in failures] == [
        ("W-2026-000002", "email"), ("W-2026-000004", "sms"),
    ]  # fmt: skip
    assert failures[0].reason == "550 5.1.1 <[address]>: no such user"
    assert failures[1].reason == "SMPP 0x0000000B invalid destination [number]"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("user nguyen.van.a+x@mail.example.vn unknown", "user [address] unknown"),
        ("to 0912345678 refused", "to [number] refused"),
        ("status 0x00000045 after 3 tries", "status 0x00000045 after 3 tries"),
    ],
)
def test_it_masks_addresses_and_phone_numbers_only(text: str, masked: str) -> None:
    assert mask_contacts(text) == masked


def test_it_gives_an_isp_operator_the_whole_picture(world: None, personas: Any) -> None:
    tracking = tracking_for(personas.isp.user)

    assert tracking.tickets == 4
    assert len(tracking.recent) == 4 and len(tracking.failures) == 2
    assert tracking.reports in (None, [])  # no report sent to this ISP


@pytest.mark.parametrize("persona", ["admin", "analyst", "member"])
def test_it_refuses_every_other_role(personas: Any, persona: str) -> None:
    with pytest.raises(PermissionDenied):
        tracking_for(personas.all()[persona].user)
