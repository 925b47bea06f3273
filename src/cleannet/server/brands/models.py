"""Brands, their official domains (with the domain-control proof) and lookalike alerts.

Written only through ``cleannet.server.brands.services`` and ``alerts``. An alert that an
analyst confirmed is a *confirmed fake*: it feeds the public list, the blocklists and the
hash-prefix interface.
"""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation, User

TXT_RECORD_PREFIX = "cleannet-verification="
"""A DNS TXT record ``cleannet-verification=<token>`` proves control of a domain."""
WELL_KNOWN_PATH = "/.well-known/cleannet-verification.txt"
"""Or a file at ``https://<domain>`` + this path whose content is the token."""


def new_control_token() -> str:
    """A random token (32 URL-safe characters) that only the domain's owner can publish."""
    return secrets.token_urlsafe(24)


class ControlMethod(models.TextChoices):
    DNS_TXT = "dns-txt", _("DNS TXT record")
    HTTP_FILE = "http-file", _("File on the web site")


class AlertSource(models.TextChoices):
    CERTSTREAM = "certstream", _("Certificate transparency")
    NRD = "nrd", _("Newly registered domains")
    FEED = "feed", _("Feed")
    REPORT = "report", _("Report")
    MANUAL = "manual", _("Entered by hand")
    URL_CHECK = "url-check", _("URL check")


class AlertStatus(models.TextChoices):
    NEW = "new", _("New")
    CONFIRMED = "confirmed", _("Confirmed fake")
    DISMISSED = "dismissed", _("Dismissed")


class Brand(models.Model):
    """A name an organisation watches for impersonation; ``keywords`` is ``;``-separated."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="brands",
        verbose_name=_("organisation"),
    )
    key = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    keywords = models.TextField(_("keywords"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name

    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.split(";") if word]


class OfficialDomain(models.Model):
    """A registrable domain of a brand. Only a verified one is on the allowlist."""

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="domains", verbose_name=_("brand")
    )
    domain = models.CharField(_("domain"), max_length=253)
    control_method = models.CharField(
        _("control check"),
        max_length=10,
        choices=ControlMethod.choices,
        default=ControlMethod.DNS_TXT,
    )
    control_token = models.CharField(_("control token"), max_length=64, default=new_control_token)
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    last_check_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_check_error = models.CharField(_("last check error"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["domain", "id"]
        verbose_name = _("official domain")
        verbose_name_plural = _("official domains")
        constraints = [
            models.UniqueConstraint(fields=["brand", "domain"], name="official_domain_once")
        ]

    def __str__(self) -> str:
        return self.domain

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None

    @property
    def txt_record(self) -> str:
        return f"{TXT_RECORD_PREFIX}{self.control_token}"

    @property
    def file_url(self) -> str:
        return f"https://{self.domain}{WELL_KNOWN_PATH}"


class LookalikeAlert(models.Model):
    """A name that looks like a brand: one row per (brand, host), bumped when seen again.

    ``reasons`` is the scorer's list of ``{code, text, points, detail}``; ``score`` is the
    highest seen. ``confirmed`` makes it a fake site on the public list and blocklists.
    """

    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, related_name="alerts", verbose_name=_("brand")
    )
    host = models.CharField(_("host"), max_length=253)
    registrable = models.CharField(_("registrable domain"), max_length=253, blank=True)
    url = models.URLField(_("URL"), max_length=2000, blank=True)
    score = models.PositiveSmallIntegerField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    source = models.CharField(_("source"), max_length=20, choices=AlertSource.choices)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now, db_index=True)
    seen_count = models.PositiveIntegerField(_("times seen"), default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AlertStatus.choices,
        default=AlertStatus.NEW,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("lookalike alert")
        verbose_name_plural = _("lookalike alerts")
        constraints = [
            models.UniqueConstraint(fields=["brand", "host"], name="lookalike_alert_once")
        ]

    def __str__(self) -> str:
        return f"{self.host} ({self.brand_id})"
