"""What the outbox holds (counts, the oldest waiting message, failures) and its retention."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Min, Q
from django.utils import timezone

from cleannet.server.notices.models import OutboxMessage, SuppressedRecipient

Status = OutboxMessage.Status


def status_counts() -> dict[str, dict[str, int]]:
    """Return ``{channel: {status: messages}}`` for every channel and status that has rows."""
    counts: dict[str, dict[str, int]] = {}
    rows = OutboxMessage.objects.order_by().values("channel", "status").annotate(n=Count("id"))
    for row in rows:
        counts.setdefault(row["channel"], {})[row["status"]] = row["n"]
    return counts


def outstanding(now: dt.datetime | None = None) -> int:
    """Messages due now or being sent (what a drain ``--until-empty`` still has to do)."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        Q(status=Status.PENDING, next_attempt_at__lte=now) | Q(status=Status.SENDING)
    ).count()


def oldest_pending_age(now: dt.datetime | None = None) -> dt.timedelta | None:
    """How long the oldest message waiting to be sent (or being sent) has been queued."""
    now = now or timezone.now()
    waiting = OutboxMessage.objects.filter(status__in=[Status.PENDING, Status.SENDING])
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    return None if oldest is None else now - oldest


def recent_failures(limit: int = 10) -> list[OutboxMessage]:
    """The latest messages that failed for good, newest first (with their reasons)."""
    failed = OutboxMessage.objects.filter(status=Status.FAILED).order_by("-failed_at", "-id")
    return list(failed.defer("body", "attachment")[:limit])


def suppressed_recipients(limit: int = 20) -> list[SuppressedRecipient]:
    """Recipients no longer written to, most recently suppressed first."""
    rows = SuppressedRecipient.objects.filter(suppressed_at__isnull=False)
    return list(rows.order_by("-suppressed_at", "-id")[:limit])


def erase_old(now: dt.datetime | None = None) -> int:
    """Erase recipient, subject, body and attachment of messages that ended (sent, delivered
    or failed) more than ``keep_days`` ago; ``recipient_hash`` stays. Return how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.CLEANNET_NOTICES.keep_days)
    ended = (
        Q(status=Status.FAILED, failed_at__lt=cutoff)
        | Q(status=Status.SENT, sent_at__lt=cutoff)
        | Q(status=Status.DELIVERED, delivered_at__lt=cutoff)
    )
    return OutboxMessage.objects.filter(ended, erased_at__isnull=True).update(
        recipient="", subject="", body="", attachment=None, attachment_name="",
        attachment_type="", erased_at=now,
    )  # fmt: skip
