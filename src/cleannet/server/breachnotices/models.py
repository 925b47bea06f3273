"""Breach notices, the messages between analysts and the organisation, and sent reminders.

Written only through ``cleannet.server.breachnotices.services`` and ``reminders``.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation, User

NOTICE_HOURS = 72
"""Law 91/2025/QH15 Art. 23: the authority is notified within 72 hours of discovery."""
NOTICE_PERIOD = dt.timedelta(hours=NOTICE_HOURS)


class DataType(models.TextChoices):
    IDENTITY = "identity", _("Identity (names, ID card numbers)")
    CONTACT = "contact", _("Contact details (e-mail, phone, address)")
    FINANCIAL = "financial", _("Financial (accounts, cards, transactions)")
    HEALTH = "health", _("Health")
    CREDENTIALS = "credentials", _("Credentials (passwords, tokens)")
    LOCATION = "location", _("Location")
    BIOMETRIC = "biometric", _("Biometric")
    CHILDREN = "children", _("Children's data")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FILED = "filed", _("Filed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FOLLOW_UP = "follow_up", _("Follow-up requested")
    CLOSED = "closed", _("Closed")


class BreachNotice(models.Model):
    """One breach as the organisation reports it; ``due_at`` is ``discovered_at`` + 72 h."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="breach_notices",
        verbose_name=_("organisation"),
    )
    summary = models.CharField(_("summary"), max_length=200)
    what_happened = models.TextField(_("what happened"))
    occurred_at = models.DateTimeField(_("when it happened"), null=True, blank=True)
    discovered_at = models.DateTimeField(_("when it was discovered"))
    due_at = models.DateTimeField(_("notice due"), db_index=True)
    data_types = models.JSONField(_("types of personal data"), default=list)
    other_data_types = models.CharField(_("other types of data"), max_length=200, blank=True)
    records_affected = models.PositiveBigIntegerField(_("records affected"))
    people_affected = models.PositiveBigIntegerField(_("people affected"))
    likely_consequences = models.TextField(_("likely consequences and harm"))
    measures_taken = models.TextField(_("measures taken"))
    measures_planned = models.TextField(_("measures planned"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254)
    contact_phone = models.CharField(_("contact phone"), max_length=20)
    affected_people_notified = models.BooleanField(
        _("the affected people have been notified"), default=False
    )
    notify_affected_through_notices = models.BooleanField(
        _("notify the affected people through CleanNet notices"), default=False
    )
    affected_people_message = models.TextField(_("message to the affected people"), blank=True)
    late_reason = models.TextField(_("reason for the delay"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    filed_at = models.DateTimeField(_("filed"), null=True, blank=True)
    filed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("breach notice")
        verbose_name_plural = _("breach notices")
        constraints = [
            # The law's rule, held by the database too: a late notice says why.
            models.CheckConstraint(
                condition=Q(filed_at__isnull=True)
                | Q(filed_at__lte=F("due_at"))
                | ~Q(late_reason=""),
                name="breachnotice_late_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", filed_at__isnull=True)
                | (~Q(status="draft") & Q(filed_at__isnull=False)),
                name="breachnotice_filed_unless_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference or _('draft')} {self.summary}"

    @property
    def is_late(self) -> bool:
        """Filed after ``due_at``, or still unfiled now that ``due_at`` has passed."""
        return (self.filed_at or timezone.now()) > self.due_at

    def data_type_labels(self) -> list[str]:
        labels = dict(DataType.choices)
        return [str(labels.get(value, value)) for value in self.data_types]


class NoticeMessage(models.Model):
    """A note on a notice: an analyst's follow-up request or closing note, or the answer."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("Follow-up request")
        ANSWER = "answer", _("Answer from the organisation")
        CLOSING = "closing", _("Closing note")

    notice = models.ForeignKey(
        BreachNotice, on_delete=models.CASCADE, related_name="messages", verbose_name=_("notice")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    author_label = models.CharField(_("author"), max_length=200)
    text = models.TextField(_("message"))
    at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("notice message")
        verbose_name_plural = _("notice messages")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class ReminderSent(models.Model):
    """That a reminder was sent, once per notice, audience and threshold (hours after discovery).

    The unique constraint is what makes the periodic task idempotent: a second worker that
    tries to record the same reminder fails to insert and sends nothing.
    """

    class Audience(models.TextChoices):
        CONTACT = "contact", _("Contact person")
        ANALYSTS = "analysts", _("Analysts")

    notice = models.ForeignKey(BreachNotice, on_delete=models.CASCADE, related_name="reminders")
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    threshold_hours = models.PositiveSmallIntegerField(_("hours after discovery"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "audience", "threshold_hours"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.audience} {self.threshold_hours} h"
