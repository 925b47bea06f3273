"""The delivery loop: one sender per channel per batch, each message settled on its own."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from cleannet.server.notices import outbox
from cleannet.server.notices.channels.base import (
    OutgoingMessage,
    PermanentFailure,
    TemporaryFailure,
)
from cleannet.server.notices.models import OutboxMessage, SuppressedRecipient
from cleannet.server.notices.worker import DrainSummary, deliver_batch, deliver_pending

pytestmark = pytest.mark.django_db
Status = OutboxMessage.Status


class FakeChannel:
    """A channel that records what it sends; some recipients fail as scripted."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.opened = 0
        self.closed = 0
        self.down = False
        self.sent: list[OutgoingMessage] = []
        self.failures: dict[str, Exception] = {}

    def normalise(self, recipient: str) -> str:
        return recipient.strip().lower()

    def open(self) -> FakeChannel:
        if self.down:
            raise TemporaryFailure("the relay could not be reached: connection refused")
        self.opened += 1
        return self

    def send(self, message: OutgoingMessage) -> str:
        if message.recipient in self.failures:
            raise self.failures[message.recipient]
        self.sent.append(message)
        return f"id-{len(self.sent)}"

    def close(self) -> None:
        self.closed += 1


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch) -> dict[str, FakeChannel]:
    fakes = {name: FakeChannel(name) for name in ("email", "sms")}
    monkeypatch.setattr(outbox, "adapter_for", lambda name: fakes[name])
    return fakes


def queue(recipient: str, ticket: str = "T-1", channel: str = "email") -> OutboxMessage:
    return outbox.enqueue(
        kind="subscriber_warning", channel=channel, recipient=recipient, ticket_ref=ticket,
        stage="first", language="en", subject="Warning", body="Your device is infected.",
    )  # fmt: skip


def statuses() -> dict[str, str]:
    return dict(OutboxMessage.objects.values_list("recipient", "status"))


def test_it_sends_every_due_message_and_marks_each_sent(channels: dict[str, FakeChannel]) -> None:
    for n in range(7):
        queue(f"user{n}@example.org", ticket=f"T-{n}")
    summary = deliver_pending("w", batch_size=3)
    assert (summary.sent, summary.failed, summary.retried, summary.lost) == (7, 0, 0, 0)
    assert set(statuses().values()) == {Status.SENT}
    assert channels["email"].opened == 3 == channels["email"].closed  # one session per batch
    sent = channels["email"].sent[0]
    row = OutboxMessage.objects.get(recipient=sent.recipient)
    assert (sent.message_id, sent.ticket_ref) == (row.message_id, row.ticket_ref)
    assert row.provider_id == "id-1" and row.claim_token == ""


def test_it_opens_one_sender_per_channel_in_a_batch(channels: dict[str, FakeChannel]) -> None:
    queue("a@example.org", ticket="T-1")
    queue("+84912345678", ticket="T-1", channel="sms")
    queue("b@example.org", ticket="T-2")
    summary = deliver_batch(outbox.claim("w", 10))
    assert summary.sent == 3
    assert (channels["email"].opened, channels["sms"].opened) == (1, 1)
    assert [m.recipient for m in channels["email"].sent] == ["a@example.org", "b@example.org"]


def test_it_puts_the_batch_back_for_later_when_the_relay_is_down(
    channels: dict[str, FakeChannel],
) -> None:
    queue("a@example.org", ticket="T-1")
    queue("b@example.org", ticket="T-2")
    queue("+84912345678", ticket="T-1", channel="sms")
    channels["email"].down = True
    summary = deliver_pending("w")
    assert (summary.sent, summary.retried) == (1, 2)
    email_rows = OutboxMessage.objects.filter(channel="email")
    assert {row.status for row in email_rows} == {Status.PENDING}
    assert all(row.next_attempt_at > timezone.now() for row in email_rows)
    assert all("could not be reached" in row.last_error for row in email_rows)
    assert OutboxMessage.objects.get(channel="sms").status == Status.SENT


def test_it_records_a_permanent_failure_and_goes_on(channels: dict[str, FakeChannel]) -> None:
    queue("gone@example.org", ticket="T-1")
    queue("fine@example.org", ticket="T-2")
    channels["email"].failures["gone@example.org"] = PermanentFailure("RCPT TO refused: 550")
    summary = deliver_pending("w")
    assert (summary.sent, summary.failed) == (1, 1)
    gone = OutboxMessage.objects.get(recipient="gone@example.org")
    assert (gone.status, gone.last_error) == (Status.FAILED, "RCPT TO refused: 550")
    assert SuppressedRecipient.objects.get().failures == 1


def test_it_retries_a_temporary_failure_until_it_gives_up(
    channels: dict[str, FakeChannel],
) -> None:
    queue("busy@example.org")
    channels["email"].failures["busy@example.org"] = TemporaryFailure("451 try again later")
    config = dataclasses.replace(settings.CLEANNET_NOTICES, max_attempts=3)
    with override_settings(CLEANNET_NOTICES=config):
        total = DrainSummary()
        for _ in range(3):
            OutboxMessage.objects.update(next_attempt_at=timezone.now())  # the wait is over
            total += deliver_pending("w")
    assert (total.retried, total.failed, total.sent) == (2, 1, 0)
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert row.last_error == "gave up after 3 attempts: 451 try again later"
    assert not SuppressedRecipient.objects.exists()


def test_it_reopens_the_session_after_a_temporary_failure(
    channels: dict[str, FakeChannel],
) -> None:
    queue("busy@example.org", ticket="T-1")
    queue("fine@example.org", ticket="T-2")
    channels["email"].failures["busy@example.org"] = TemporaryFailure("421 closing")
    summary = deliver_batch(outbox.claim("w", 10))
    assert (summary.retried, summary.sent) == (1, 1)
    assert channels["email"].opened == 2


def test_it_keeps_going_when_a_channel_raises_something_unexpected(
    channels: dict[str, FakeChannel],
) -> None:
    queue("odd@example.org")
    channels["email"].failures["odd@example.org"] = RuntimeError("a bug in the adapter")
    summary = deliver_pending("w")
    assert summary.retried == 1
    assert OutboxMessage.objects.get().last_error == "a bug in the adapter"


def test_it_does_not_send_a_message_whose_lease_another_worker_took(
    channels: dict[str, FakeChannel],
) -> None:
    queue("a@example.org", ticket="T-1")
    queue("b@example.org", ticket="T-2")
    # Claimed long ago: the lease is past its half, so the worker checks it before sending.
    long_ago = timezone.now() - dt.timedelta(seconds=45)
    OutboxMessage.objects.update(next_attempt_at=long_ago)
    rows = outbox.claim("w", 10, long_ago)
    OutboxMessage.objects.filter(recipient="b@example.org").update(claim_token="other")
    summary = deliver_batch(rows)
    assert (summary.sent, summary.lost) == (1, 1)
    assert [m.recipient for m in channels["email"].sent] == ["a@example.org"]
    kept = OutboxMessage.objects.get(recipient="a@example.org")
    assert kept.status == Status.SENT


def test_it_stops_after_max_seconds_when_waiting_for_more(
    channels: dict[str, FakeChannel],
) -> None:
    queue("a@example.org")
    done: list[tuple[int, int]] = []
    summary = deliver_pending(
        "w", until_empty=False, max_seconds=0.3, poll_seconds=0.05,
        progress=lambda n, total: done.append((n, total)),
    )  # fmt: skip
    assert summary.sent == 1 and done == [(1, 1)]
    assert 0.3 <= summary.seconds < 2
