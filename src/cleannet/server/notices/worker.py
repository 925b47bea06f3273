"""Delivering the outbox: claim a batch, send each message, settle each one at once.

``deliver_pending`` is the loop a worker runs (the CLI's ``notices send-pending``, the
periodic task); ``run_workers`` runs it in several processes. Per batch, one ``Sender`` per
channel is opened and reused for the batch's messages of that channel (one SMTP session, one
SMPP bind). Each message is marked sent in its own short transaction right after the
channel accepted it, so a worker killed at any point resends at most the one message it was
sending — with the same Message-ID. Before each message the worker checks that it still holds
the batch's lease and renews it once half of it has passed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING

from django.utils import timezone

from cleannet.server.notices import outbox
from cleannet.server.notices.models import OutboxMessage
from cleannet.server.notices.outbox_status import outstanding

if TYPE_CHECKING:
    from cleannet.server.notices.channels.base import OutgoingMessage, Sender

logger = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""``progress(done, total)``: messages settled so far and the work known so far."""


@dataclass
class DrainSummary:
    """What a drain did: messages sent, failed for good, put back for a retry, and rows
    another worker took over (lost leases)."""

    sent: int = 0
    failed: int = 0
    retried: int = 0
    lost: int = 0
    seconds: float = 0.0

    def __add__(self, other: DrainSummary) -> DrainSummary:
        return DrainSummary(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def settled(self) -> int:
        return self.sent + self.failed + self.retried

    @property
    def per_second(self) -> float:
        """Messages sent per second of the drain."""
        return self.sent / self.seconds if self.seconds > 0 else 0.0


def default_worker_token() -> str:
    """This worker's name in claim tokens: host, process and thread."""
    return f"{socket.gethostname()[:24]}:{os.getpid()}:{threading.get_ident() % 100000}"


def to_outgoing(row: OutboxMessage) -> OutgoingMessage:
    """The channel's view of an outbox row (``channels.base.OutgoingMessage``)."""
    from cleannet.server.notices.channels.base import Attachment, OutgoingMessage

    attachment = None
    if row.attachment_name and row.attachment is not None:
        attachment = Attachment(row.attachment_name, row.attachment_type, bytes(row.attachment))
    return OutgoingMessage(
        key=row.key, message_id=row.message_id, channel=row.channel, recipient=row.recipient,
        subject=row.subject, body=row.body, language=row.language, ticket_ref=row.ticket_ref,
        attachment=attachment,
    )  # fmt: skip


class _Lease:
    """The lease of one claimed batch: renewed when half of it has passed."""

    def __init__(self, rows: list[OutboxMessage]) -> None:
        self.token = rows[0].claim_token
        self.held = {row.pk for row in rows}
        self.until = min(row.claimed_until or timezone.now() for row in rows)
        self.length = dt.timedelta(seconds=outbox.notice_settings().lease_seconds)

    def holds(self, row: OutboxMessage) -> bool:
        """True while ``row`` is still ours; renews the lease first when it is half gone."""
        now = timezone.now()
        if row.pk in self.held and now >= self.until - self.length / 2:
            self.held = outbox.extend_lease(self.token, sorted(self.held), now)
            self.until = now + self.length
        return row.pk in self.held

    def done(self, row: OutboxMessage) -> None:
        self.held.discard(row.pk)


def _reason(error: BaseException) -> str:
    return str(getattr(error, "reason", "") or error) or type(error).__name__


def _open(channel: str) -> tuple[Sender | None, str]:
    """Open the channel's sender; (None, reason) when it cannot be opened now."""
    try:
        return outbox.adapter_for(channel).open(), ""
    except Exception as error:  # relay down, refused login, a bug: retry the batch later
        logger.warning("notices: cannot open channel %s: %s", channel, _reason(error))
        return None, _reason(error)


def _retry(row: OutboxMessage, reason: str, summary: DrainSummary) -> None:
    status = outbox.retry_later(row, reason)
    if status is None:
        summary.lost += 1
    elif status == OutboxMessage.Status.FAILED:
        summary.failed += 1
    else:
        summary.retried += 1


def _send_one(sender: Sender, row: OutboxMessage, summary: DrainSummary) -> bool:
    """Send ``row`` and settle it; return False when the sender should not be reused."""
    from cleannet.server.notices.channels.base import PermanentFailure

    try:
        provider_id = sender.send(to_outgoing(row))
    except PermanentFailure as error:
        if outbox.mark_failed(row, _reason(error)):
            summary.failed += 1
        else:
            summary.lost += 1
        return True
    except Exception as error:  # TemporaryFailure, or a surprise: neither may stop the drain
        if not _is_delivery_failure(error):
            logger.exception("notices: unexpected error sending %s", row.key)
        _retry(row, _reason(error), summary)
        return False
    if outbox.mark_sent(row, provider_id or ""):
        summary.sent += 1
    else:
        summary.lost += 1
    return True


def _is_delivery_failure(error: BaseException) -> bool:
    from cleannet.server.notices.channels.base import DeliveryFailure

    return isinstance(error, DeliveryFailure)


def _close(sender: Sender | None) -> None:
    if sender is None:
        return
    try:
        sender.close()
    except Exception:  # a connection that is already gone
        logger.debug("notices: closing a sender failed", exc_info=True)


def _deliver_channel(
    channel: str, rows: list[OutboxMessage], lease: _Lease, summary: DrainSummary
) -> None:
    sender, reason = _open(channel)
    try:
        for row in rows:
            if not lease.holds(row):
                summary.lost += 1
                continue
            if sender is None:  # the channel cannot be opened: the rest waits for a retry
                _retry(row, reason, summary)
            elif not _send_one(sender, row, summary):
                _close(sender)  # a temporary failure may have broken the session: start anew
                sender, reason = _open(channel)
            lease.done(row)
    finally:
        _close(sender)


def _by_channel(rows: Iterable[OutboxMessage]) -> dict[str, list[OutboxMessage]]:
    groups: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        groups.setdefault(row.channel, []).append(row)
    return groups


def deliver_batch(rows: list[OutboxMessage]) -> DrainSummary:
    """Send the claimed ``rows`` (one sender per channel) and settle each; return the counts."""
    summary = DrainSummary()
    if not rows:
        return summary
    lease = _Lease(rows)
    for channel, group in _by_channel(rows).items():
        _deliver_channel(channel, group, lease, summary)
    return summary


def deliver_pending(
    worker_token: str | None = None,
    *,
    batch_size: int | None = None,
    until_empty: bool = True,
    max_seconds: float | None = None,
    progress: Progress | None = None,
    poll_seconds: float = 1.0,
) -> DrainSummary:
    """Claim and deliver batches until the outbox is empty (``until_empty``: nothing due and
    nothing held under a lease by anyone) or ``max_seconds`` have passed; without
    ``until_empty``, wait for new messages (every ``poll_seconds``) until ``max_seconds``.
    """
    token = worker_token or default_worker_token()
    size = batch_size or outbox.notice_settings().batch_size
    started = time.monotonic()
    summary = DrainSummary()
    total = outstanding() if progress else 0
    while max_seconds is None or time.monotonic() - started < max_seconds:
        rows = outbox.claim(token, size)
        if rows:
            summary += deliver_batch(rows)
            if progress:
                total = max(total, summary.settled)
                progress(summary.settled, total)
            continue
        if until_empty and outstanding() == 0:
            break
        # Rows under another worker's lease, or nothing queued yet: look again shortly.
        wait = min(poll_seconds, outbox.notice_settings().lease_seconds / 4)
        if max_seconds is not None:
            wait = min(wait, max(0.0, max_seconds - (time.monotonic() - started)))
        time.sleep(wait)
    summary.seconds = time.monotonic() - started
    return summary


def run_workers(
    workers: int,
    *,
    batch_size: int | None = None,
    until_empty: bool = True,
    max_seconds: float | None = None,
    progress: Progress | None = None,
) -> DrainSummary:
    """Run ``deliver_pending`` in ``workers`` new processes (spawned, each sets Django up);
    report progress from the database meanwhile; return the sum of their summaries."""
    from cleannet.server.notices.worker_processes import run_in_processes

    return run_in_processes(workers, batch_size, until_empty, max_seconds, progress)
