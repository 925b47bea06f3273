"""The outbox: queuing once, atomic claims with leases, settling guarded by the claim."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings

from cleannet.server.notices import outbox
from cleannet.server.notices.channels.base import Attachment, InvalidRecipient
from cleannet.server.notices.models import OutboxMessage, SuppressedRecipient

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status
NOW = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)


class FakeEmail:
    """Normalises like a channel would: lower case, one ``@`` required."""

    name = "email"

    def normalise(self, recipient: str) -> str:
        if "@" not in recipient:
            raise InvalidRecipient("This is not an e-mail address.")
        return recipient.strip().lower()

    def open(self) -> Any:
        raise AssertionError("the outbox itself never sends")


@pytest.fixture(autouse=True)
def fake_channel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "adapter_for", lambda name: FakeEmail())


def _settings(**changes: Any) -> Any:
    return override_settings(
        CLEANNET_NOTICES=dataclasses.replace(settings.CLEANNET_NOTICES, **changes)
    )


def queue(recipient: str = "Owner@Example.org", ticket: str = "T-1", **extra: Any) -> OutboxMessage:
    fields: dict[str, Any] = {
        "kind": "subscriber_warning", "channel": "email", "recipient": recipient,
        "ticket_ref": ticket, "stage": "first", "language": "vi",
        "subject": "Cảnh báo", "body": "Thiết bị của bạn bị nhiễm mã độc.", "now": NOW,
    }  # fmt: skip
    return outbox.enqueue(**(fields | extra))


def test_it_returns_the_same_row_when_the_same_message_is_queued_twice() -> None:
    first = queue("Owner@Example.org")
    again = queue(" owner@example.org ", body="a different body")
    assert again.pk == first.pk
    assert OutboxMessage.objects.get().body == "Thiết bị của bạn bị nhiễm mã độc."
    assert queue(stage="reminder").pk != first.pk


def test_it_makes_the_message_id_from_the_idempotency_key() -> None:
    row = queue()
    key = outbox.idempotency_key("email", "owner@example.org", "T-1", "first")
    assert row.key == key and len(key) == 64
    assert row.message_id == f"<{key}@{settings.CLEANNET_NOTICES.message_id_domain}>"
    assert row.recipient_hash == outbox.recipient_hash("email", "owner@example.org")
    assert row.status == Status.PENDING


def test_it_keeps_the_attachment() -> None:
    row = queue(attachment=Attachment("report.csv", "text/csv", b"ip,family\n"))
    stored = OutboxMessage.objects.get(pk=row.pk)
    assert (stored.attachment_name, bytes(stored.attachment)) == ("report.csv", b"ip,family\n")


def test_it_stores_an_invalid_recipient_as_failed_once_with_the_reason() -> None:
    row = queue("not an address")
    assert row.status == Status.FAILED and row.failed_at == NOW
    assert row.last_error == "This is not an e-mail address."
    assert queue("not an address").pk == row.pk
    assert OutboxMessage.objects.count() == 1
    assert outbox.claim("w", 10, NOW) == []


def test_it_never_hands_a_row_to_two_claimers() -> None:
    for n in range(5):
        queue(ticket=f"T-{n}")
    first = outbox.claim("worker-a", 3, NOW)
    second = outbox.claim("worker-b", 3, NOW)
    assert len(first) == 3 and len(second) == 2
    assert not {row.pk for row in first} & {row.pk for row in second}
    assert outbox.claim("worker-c", 3, NOW) == []
    assert {row.status for row in first + second} == {Status.SENDING}
    assert all(row.claimed_until == NOW + dt.timedelta(seconds=60) for row in first)


def test_it_hands_a_row_out_again_when_its_lease_expired() -> None:
    queue()
    (taken,) = outbox.claim("worker-a", 10, NOW)
    assert outbox.claim("worker-b", 10, NOW + dt.timedelta(seconds=59)) == []
    (again,) = outbox.claim("worker-b", 10, NOW + dt.timedelta(seconds=61))
    assert again.pk == taken.pk and again.claim_token != taken.claim_token


def test_it_refuses_every_mark_from_a_worker_that_lost_its_lease() -> None:
    queue()
    (lost,) = outbox.claim("worker-a", 10, NOW)
    (current,) = outbox.claim("worker-b", 10, NOW + dt.timedelta(minutes=5))
    assert outbox.mark_sent(lost) is False
    assert outbox.retry_later(lost, "busy") is None
    assert outbox.mark_failed(lost, "no such user") is False
    assert not SuppressedRecipient.objects.exists()
    assert outbox.mark_sent(current, "250 queued") is True
    row = OutboxMessage.objects.get()
    assert (row.status, row.provider_id, row.attempts) == (Status.SENT, "250 queued", 1)


def test_it_renews_the_lease_only_of_rows_still_held() -> None:
    queue(ticket="T-1")
    queue(ticket="T-2")
    rows = outbox.claim("worker-a", 10, NOW)
    OutboxMessage.objects.filter(pk=rows[1].pk).update(claim_token="someone-else")
    later = NOW + dt.timedelta(seconds=40)
    assert outbox.extend_lease(rows[0].claim_token, [r.pk for r in rows], later) == {rows[0].pk}
    assert OutboxMessage.objects.get(pk=rows[0].pk).claimed_until == later + dt.timedelta(
        seconds=60
    )


def test_it_waits_longer_after_each_temporary_failure_then_gives_up() -> None:
    queue()
    waits, now = [], NOW
    with _settings(max_attempts=4, backoff_seconds=10, backoff_max_seconds=3600):
        for _ in range(3):
            (row,) = outbox.claim("w", 1, now)
            assert outbox.retry_later(row, "421 try later", now) == Status.PENDING
            due = OutboxMessage.objects.get().next_attempt_at
            waits.append((due - now).total_seconds())
            assert outbox.claim("w", 1, due - dt.timedelta(seconds=1)) == []
            now = due
        (row,) = outbox.claim("w", 1, now)
        assert outbox.retry_later(row, "421 try later", now) == Status.FAILED
    assert waits[0] < waits[1] < waits[2]
    assert 7.5 <= waits[0] <= 10 and 30 <= waits[2] <= 40
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 4)
    assert row.last_error == "gave up after 4 attempts: 421 try later"


def test_it_caps_the_backoff() -> None:
    with _settings(backoff_seconds=60, backoff_max_seconds=600):
        assert outbox.backoff_delay(20, random.Random(1)) == dt.timedelta(seconds=600)


def test_it_suppresses_a_recipient_after_repeated_permanent_failures() -> None:
    with _settings(suppress_after=2):
        for n in range(2):
            queue(ticket=f"T-{n}")
            (row,) = outbox.claim("w", 1, NOW)
            assert outbox.mark_failed(row, "550 no such user", NOW) is True
        refused = queue(ticket="T-9")
    entry = SuppressedRecipient.objects.get()
    assert (entry.failures, entry.suppressed_at, entry.reason) == (2, NOW, "550 no such user")
    assert refused.status == Status.FAILED and refused.last_error == outbox.SUPPRESSED_REASON
    assert queue("other@example.org", ticket="T-9").status == Status.PENDING


def test_it_does_not_suppress_before_the_threshold() -> None:
    with _settings(suppress_after=3):
        queue()
        (row,) = outbox.claim("w", 1, NOW)
        outbox.mark_failed(row, "550 no such user", NOW)
        assert queue(ticket="T-2").status == Status.PENDING
    assert SuppressedRecipient.objects.get().suppressed_at is None


def test_it_marks_a_sent_message_delivered_by_message_id_or_key() -> None:
    first, second = queue(ticket="T-1"), queue(ticket="T-2")
    assert outbox.mark_delivered(first.message_id, NOW) is False  # not sent yet
    for row in outbox.claim("w", 10, NOW):
        outbox.mark_sent(row, "", NOW)
    assert outbox.mark_delivered(first.message_id, NOW) is True
    assert outbox.mark_delivered(second.key, NOW) is True
    assert outbox.mark_delivered(second.key, NOW) is False
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.DELIVERED}


def test_it_counts_messages_per_channel_and_status() -> None:
    queue(ticket="T-1")
    queue(ticket="T-2")
    queue("broken", ticket="T-3")
    assert outbox.status_counts() == {"email": {"pending": 2, "failed": 1}}


def test_it_erases_personal_data_of_old_ended_messages_only() -> None:
    old, recent, waiting = queue(ticket="T-1"), queue(ticket="T-2"), queue(ticket="T-3")
    rows = {row.pk: row for row in outbox.claim("w", 2, NOW)}
    outbox.mark_sent(rows[old.pk], "", NOW - dt.timedelta(days=91))
    outbox.mark_sent(rows[recent.pk], "", NOW - dt.timedelta(days=89))
    assert outbox.erase_old(NOW) == 1
    erased = OutboxMessage.objects.get(pk=old.pk)
    assert (erased.recipient, erased.body, erased.erased_at) == ("", "", NOW)
    assert erased.recipient_hash == old.recipient_hash
    assert OutboxMessage.objects.get(pk=recent.pk).body
    assert OutboxMessage.objects.get(pk=waiting.pk).recipient == "owner@example.org"
    assert outbox.erase_old(NOW) == 0
