"""At the ISP's node: subscribers' contacts and their warning tickets (never sent to the hub)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.notices.vocabulary import Language


class SubscriberContact(models.Model):
    """How to reach a subscriber (the ISP's identifier as in its leases)."""

    subscriber = models.CharField(_("subscriber"), max_length=255, unique=True)
    email = models.CharField(_("e-mail"), max_length=320, blank=True)
    phone = models.CharField(_("phone (E.164)"), max_length=16, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.VI
    )
    channels = models.JSONField(_("channels"), default=list, blank=True)
    """The channels the subscriber may be warned on (empty: every one they have an address for)."""
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    source = models.ForeignKey(
        "notices.ContactImport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )

    class Meta:
        ordering = ["subscriber"]
        verbose_name = _("subscriber contact")
        verbose_name_plural = _("subscriber contacts")

    def __str__(self) -> str:
        return self.subscriber


class ContactImport(models.Model):
    """One contact list read: read = accepted + rejected + duplicates."""

    file_name = models.CharField(_("file"), max_length=255)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    read = models.PositiveIntegerField(_("rows read"), default=0)
    accepted = models.PositiveIntegerField(_("accepted"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)

    class Meta:
        ordering = ["-imported_at", "-id"]
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")
        constraints = [
            models.CheckConstraint(
                condition=Q(read=F("accepted") + F("rejected") + F("duplicates")),
                name="contactimport_counts_reconcile",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} {self.imported_at:%Y-%m-%d %H:%M}"


class ContactImportRejection(models.Model):
    """A row of a contact list that was refused, kept for review with the reason."""

    contact_import = models.ForeignKey(
        ContactImport, on_delete=models.CASCADE, related_name="rejections"
    )
    line = models.PositiveIntegerField(_("line"))
    field = models.CharField(_("field"), max_length=40, blank=True)
    reason = models.CharField(_("reason"), max_length=300)
    raw = models.TextField(_("row as read"))

    class Meta:
        ordering = ["contact_import", "line"]
        verbose_name = _("refused contact row")
        verbose_name_plural = _("refused contact rows")

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class WarningTicket(models.Model):
    """A subscriber found infected with a family: the case escalation and tracking follow.

    ``stage`` is the last stage sent ("" before the first notice). ``page_token`` is the
    secret in the walled-garden URL; ``redirect_active`` says whether the ISP's captive portal
    should send the subscriber there. An acknowledgement lifts the redirect; a finding after
    it sets ``reinfected``.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Cleaned, by the subscriber's word")
        CLOSED = "closed", _("Closed")

    number = models.CharField(_("ticket"), max_length=40, unique=True)
    subscriber = models.CharField(_("subscriber"), max_length=255, db_index=True)
    family = models.CharField(_("family"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    stage = models.CharField(_("last stage sent"), max_length=12, blank=True)
    notices_sent = models.PositiveIntegerField(_("notices queued"), default=0)
    last_ip = models.GenericIPAddressField(_("last address"), null=True, blank=True)
    first_found = models.DateTimeField(_("first found"))
    last_found = models.DateTimeField(_("last found"))
    last_notice_at = models.DateTimeField(_("last notice"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    reinfected = models.BooleanField(_("re-infected"), default=False)
    reinfected_at = models.DateTimeField(_("re-infected at"), null=True, blank=True)
    cycle = models.PositiveIntegerField(_("escalation cycle"), default=0)
    """Incremented at each re-infection: part of the outbox key, so a second cycle's
    reminder is a new message and not the first cycle's one found again."""
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    page_token = models.CharField(_("page token"), max_length=64, unique=True)
    redirect_active = models.BooleanField(_("redirect active"), default=False)
    page_viewed_at = models.DateTimeField(_("page first viewed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-last_found", "-id"]
        verbose_name = _("warning ticket")
        verbose_name_plural = _("warning tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "family"],
                condition=~Q(state="closed"),
                name="warningticket_one_live_per_family",
            ),
            models.CheckConstraint(
                condition=Q(first_found__lte=F("last_found")), name="warningticket_found_in_order"
            ),
        ]
        indexes = [models.Index(fields=["state", "last_found"], name="warningticket_state")]

    def __str__(self) -> str:
        return self.number


class WarningTicketSequence(models.Model):
    """The last warning ticket number issued per year (``W-<year>-<6 digits>``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("warning ticket sequence")
        verbose_name_plural = _("warning ticket sequences")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"
