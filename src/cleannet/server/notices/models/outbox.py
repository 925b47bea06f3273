"""The transactional outbox: every message any channel sends, written before it is sent."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.notices.vocabulary import Channel, Language, NoticeKind, Stage


class OutboxMessage(models.Model):
    """One message to one recipient on one channel, rendered when it was queued.

    ``key`` is the idempotency key of (channel, recipient, ticket, stage): queuing the same
    message twice returns the first row; the e-mail's Message-ID is made from it, so a resend
    after a crash is recognisably the same message. A worker claims a row by writing its
    ``claim_token`` and ``claimed_until`` (the lease); a row whose lease ran out is claimable
    again. ``recipient`` and ``body`` are personal data: erased ``CLEANNET_NOTICES_KEEP_DAYS``
    after the message ended (``recipient_hash`` stays for the counts).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    message_id = models.CharField(_("message ID"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    ticket_ref = models.CharField(_("ticket"), max_length=40, db_index=True)
    recipient = models.CharField(_("recipient"), max_length=320)
    recipient_hash = models.CharField(_("recipient (hashed)"), max_length=64, db_index=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment = models.BinaryField(_("attachment"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("queued"), default=timezone.now)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claim_token = models.CharField(_("claimed by"), max_length=64, blank=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(_("provider's message ID"), max_length=100, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "claimed_until"], name="outbox_claims"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="failed") | Q(failed_at__isnull=False),
                name="outbox_failed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_ref} {self.channel} {self.stage} {self.status}"


class SuppressedRecipient(models.Model):
    """A recipient that failed permanently too often: no more messages are queued to it."""

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient_hash = models.CharField(_("recipient (hashed)"), max_length=64)
    failures = models.PositiveIntegerField(_("permanent failures"), default=0)
    reason = models.TextField(_("last reason"), blank=True)
    suppressed_at = models.DateTimeField(_("suppressed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("suppressed recipient")
        verbose_name_plural = _("suppressed recipients")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "recipient_hash"], name="suppressedrecipient_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.recipient_hash[:12]}"
