"""Who holds which addresses: autonomous systems, prefixes with validity dates, abuse contacts.

A prefix is held by one organisation from ``valid_from`` (inclusive) to ``valid_until``
(exclusive; null while still held). Dates are calendar days in the platform time zone.
Write through ``cleannet.server.networks.services``, never with ``save()`` directly.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation


class AutonomousSystem(models.Model):
    number = models.PositiveBigIntegerField(_("AS number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="autonomous_systems",
        verbose_name=_("organisation"),
    )
    country = models.CharField(_("country"), max_length=2, default="VN")

    class Meta:
        ordering = ["number"]
        verbose_name = _("autonomous system")
        verbose_name_plural = _("autonomous systems")

    def __str__(self) -> str:
        return f"AS{self.number} {self.name}"


class Prefix(models.Model):
    """A CIDR block held by an organisation for a time.

    ``start_key``/``end_key`` are the first and last address as fixed-width lower-case hex
    (8 digits for IPv4, 32 for IPv6), so that containment is a plain string comparison on
    every database; they are always compared together with ``family``.
    """

    class Family(models.IntegerChoices):
        IPV4 = 4, "IPv4"
        IPV6 = 6, "IPv6"

    cidr = models.CharField(_("CIDR"), max_length=43, db_index=True)
    family = models.PositiveSmallIntegerField(_("family"), choices=Family.choices)
    prefix_len = models.PositiveSmallIntegerField(_("prefix length"))
    start_key = models.CharField(max_length=32, editable=False)
    end_key = models.CharField(max_length=32, editable=False)
    asn = models.ForeignKey(
        AutonomousSystem,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="prefixes",
        verbose_name=_("autonomous system"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="prefixes",
        verbose_name=_("organisation"),
    )
    valid_from = models.DateField(_("held from"))
    valid_until = models.DateField(_("held until (exclusive)"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["family", "start_key", "prefix_len", "valid_from"]
        verbose_name = _("prefix")
        verbose_name_plural = _("prefixes")
        indexes = [models.Index(fields=["family", "start_key", "end_key"], name="prefix_range")]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                name="prefix_valid_until_after_valid_from",
            ),
            # Overlapping validity is refused in the service; this catches the common race
            # of two open-ended holdings of the same block on every database.
            models.UniqueConstraint(
                fields=["cidr"],
                condition=Q(valid_until__isnull=True),
                name="prefix_one_open_holding_per_cidr",
            ),
        ]

    def __str__(self) -> str:
        return self.cidr


class AbuseContact(models.Model):
    """Where abuse reports for an organisation (or one of its prefixes) should go."""

    class Language(models.TextChoices):
        VI = "vi", _("Vietnamese")
        EN = "en", _("English")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="abuse_contacts",
        verbose_name=_("organisation"),
    )
    prefix = models.ForeignKey(
        Prefix,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="abuse_contacts",
        verbose_name=_("prefix"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone (E.164)"), max_length=16, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.VI
    )
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["organisation", "-is_primary", "name"]
        verbose_name = _("abuse contact")
        verbose_name_plural = _("abuse contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_primary=True, prefix__isnull=True),
                name="abuse_contact_one_primary_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["prefix"],
                condition=Q(is_primary=True, prefix__isnull=False),
                name="abuse_contact_one_primary_per_prefix",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
