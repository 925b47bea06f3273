"""The breach registry and its hash stores, look-up rate counters and the SMS outbox.

Nothing here holds a plain e-mail address, phone number or password: a breach's rows live
in its store files (hashes and counts only), rate counters are keyed by a keyed digest, and
an outbox message names its number by digest and last two digits.
Written only through ``cleannet.server.leaks.services`` (and ``ratelimits``, ``sms``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation


class DataClass(models.TextChoices):
    """What kinds of personal data a breach exposed (HIBP calls these data classes)."""

    EMAIL = "email", _("E-mail addresses")
    PHONE = "phone", _("Phone numbers")
    PASSWORD = "password", _("Passwords")
    NAME = "name", _("Names")
    USERNAME = "username", _("Usernames")
    DATE_OF_BIRTH = "date_of_birth", _("Dates of birth")
    ADDRESS = "address", _("Physical addresses")
    NATIONAL_ID = "national_id", _("ID card numbers")
    BANK_ACCOUNT = "bank_account", _("Bank account numbers")
    PAYMENT_CARD = "payment_card", _("Payment cards")
    IP_ADDRESS = "ip_address", _("IP addresses")
    GENDER = "gender", _("Genders")
    OTHER = "other", _("Other data")


class StoreKind(models.TextChoices):
    """The hash stores a breach may have; a password import fills both password kinds."""

    PASSWORD_SHA1 = "password_sha1", _("Passwords (SHA-1)")
    PASSWORD_NTLM = "password_ntlm", _("Passwords (NTLM)")
    EMAIL = "email", _("E-mail addresses")
    PHONE = "phone", _("Phone numbers")


class Breach(models.Model):
    """One leaked dataset. A sensitive breach is never named in public answers; the owner of
    an address found in it still learns of it in the message sent to that address."""

    name = models.SlugField(_("short name"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breaches",
        verbose_name=_("breached organisation"),
    )
    occurred_on = models.DateField(_("occurred"), null=True, blank=True)
    discovered_on = models.DateField(_("discovered"), null=True, blank=True)
    published_on = models.DateField(_("made public"), null=True, blank=True)
    data_classes = models.JSONField(_("data exposed"), default=list, blank=True)
    record_count = models.PositiveBigIntegerField(_("records reported"), default=0)
    sensitive = models.BooleanField(
        _("sensitive"), default=False, help_text=_("Kept out of public pages and answers.")
    )
    source = models.CharField(_("source"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-occurred_on", "name"]
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")

    def __str__(self) -> str:
        return self.title

    def data_class_labels(self) -> list[str]:
        """Return the translated names of the exposed data classes, unknown codes as given."""
        labels = dict(DataClass.choices)
        return [str(labels.get(code, code)) for code in self.data_classes]


class BreachStore(models.Model):
    """One sorted hash file of a breach (a file under the leak store directory)."""

    breach = models.ForeignKey(
        Breach, on_delete=models.CASCADE, related_name="stores", verbose_name=_("breach")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=StoreKind.choices)
    path = models.CharField(_("file"), max_length=500, help_text=_("Under the leak store dir."))
    hashes = models.PositiveBigIntegerField(_("distinct hashes"), default=0)
    rows_read = models.PositiveBigIntegerField(_("rows read"), default=0)
    rows_used = models.PositiveBigIntegerField(_("rows used"), default=0)
    rows_bad = models.PositiveBigIntegerField(_("bad rows"), default=0)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)

    class Meta:
        ordering = ["breach__name", "kind"]
        verbose_name = _("breach store")
        verbose_name_plural = _("breach stores")
        constraints = [
            models.UniqueConstraint(fields=("breach", "kind"), name="breachstore_one_per_kind"),
            models.CheckConstraint(
                condition=Q(rows_used__lte=models.F("rows_read")),
                name="breachstore_used_within_read",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.breach.name} {self.kind}"


class RateCounter(models.Model):
    """Look-ups counted in one window for one key: a keyed digest of what is limited (a
    client address, a checked address, a user), never the value itself."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("key", "window_start"), name="ratecounter_per_window")
        ]
        indexes = [models.Index(fields=["window_start"])]


class SmsOutboxMessage(models.Model):
    """A text message kept instead of sent (the ``outbox`` SMS channel: demo and tests)."""

    recipient_digest = models.CharField(_("recipient digest"), max_length=64, db_index=True)
    recipient_hint = models.CharField(_("recipient"), max_length=20)
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("text message (outbox)")
        verbose_name_plural = _("text messages (outbox)")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.recipient_hint}"
