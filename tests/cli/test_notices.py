"""``cleannet notices send-pending`` and ``status`` on the test database."""

from __future__ import annotations

import pytest
from django.utils import timezone
from typer.testing import CliRunner

from cleannet.cli.notices import app
from cleannet.server.notices import outbox
from cleannet.server.notices.channels.base import OutgoingMessage, PermanentFailure
from cleannet.server.notices.models import OutboxMessage

runner = CliRunner()
pytestmark = pytest.mark.django_db


class Relay:
    """Accepts every message but those to ``gone@…``, which it refuses for good."""

    name = "email"

    def normalise(self, recipient: str) -> str:
        return recipient.strip().lower()

    def open(self) -> Relay:
        return self

    def send(self, message: OutgoingMessage) -> str:
        if message.recipient.startswith("gone@"):
            raise PermanentFailure("RCPT TO refused by the relay: 550 [no such user]")
        return ""

    def close(self) -> None:
        return None


@pytest.fixture(autouse=True)
def relay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "adapter_for", lambda name: Relay())


def queue(recipient: str, ticket: str) -> None:
    outbox.enqueue(
        kind="owner_report", channel="email", recipient=recipient, ticket_ref=ticket,
        stage="first", language="en", subject="Report", body="Events in your network.",
    )  # fmt: skip


def test_it_sends_what_is_pending_and_prints_a_summary() -> None:
    for n in range(3):
        queue(f"abuse{n}@example.org", f"R-2026-00000{n}")
    result = runner.invoke(app, ["send-pending", "--until-empty", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "3 sent, 0 failed, 0 to retry later" in result.output
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}


def test_it_exits_1_when_a_message_failed_for_good() -> None:
    queue("gone@example.org", "R-2026-000001")
    result = runner.invoke(app, ["send-pending"])
    assert result.exit_code == 1
    assert "0 sent, 1 failed" in result.output


def test_it_shows_counts_failures_and_suppressed_recipients(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich's tables: no wrapped reasons
    queue("abuse@example.org", "R-2026-000001")
    queue("gone@example.org", "R-2026-000002")
    runner.invoke(app, ["send-pending"])
    queue("later@example.org", "R-2026-000003")
    for _ in range(3):
        outbox.count_permanent_failure("email", "f" * 64, "550 mailbox full", timezone.now())
    result = runner.invoke(app, ["status"])
    assert result.exit_code == 0, result.output
    email_row = next(line for line in result.output.splitlines() if "│ email" in line)
    assert [cell.strip() for cell in email_row.split("│")[1:-1]] == [
        "email", "1", "0", "1", "0", "1", "3",
    ]  # fmt: skip
    assert "Oldest waiting message: 0m" in result.output
    assert "550 [no such user]" in result.output  # the reason, brackets and all
    assert "ffffffffffffffff" in result.output and "550 mailbox full" in result.output
