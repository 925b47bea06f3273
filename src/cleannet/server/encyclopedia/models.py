"""The encyclopedia's pages about malware families and the authority's advisories.

A ``FamilyProfile`` adds what the public page shows (severity, how it spreads, symptoms,
removal, references) to an ``intel.MalwareFamily``; names, aliases, kind and platforms stay
on the family, so feeds and pages agree on one name. Every text comes in Vietnamese and
English (``*_vi`` and ``*_en``); ``localised`` picks the active language's.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cleannet.server.intel.models import MalwareFamily


class Severity(models.TextChoices):
    """Alert levels as malware encyclopedias use them, most severe first."""

    SEVERE = "severe", _("Severe")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK: dict[str, int] = {
    Severity.SEVERE: 0,
    Severity.HIGH: 1,
    Severity.MEDIUM: 2,
    Severity.LOW: 3,
}


def localised(obj: models.Model, field: str, language: str | None = None) -> str:
    """Return ``obj.<field>_<language>`` (active language by default), else the other one."""
    code = (language or translation.get_language() or "vi")[:2]
    first, second = ("en", "vi") if code == "en" else ("vi", "en")
    return str(getattr(obj, f"{field}_{first}", "") or getattr(obj, f"{field}_{second}", ""))


class FamilyProfile(models.Model):
    """What the public encyclopedia page says about one family.

    The page carries its own name, aliases, kind and platforms, so that shipping it does not
    create intel families behind the analysts' backs; ``family`` links it to the intel family
    its name or an alias resolves to (``sync_families`` creates the missing ones).
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("short name"), max_length=100, unique=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MalwareFamily.Kind.choices)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    family = models.OneToOneField(
        MalwareFamily,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="profile",
        verbose_name=_("intel family"),
    )
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    first_seen = models.CharField(_("first seen"), max_length=20, blank=True)
    attack_id = models.CharField(_("ATT&CK ID"), max_length=10, blank=True)
    summary_vi = models.TextField(_("summary (Vietnamese)"))
    summary_en = models.TextField(_("summary (English)"))
    spread_vi = models.TextField(_("how it spreads (Vietnamese)"), blank=True)
    spread_en = models.TextField(_("how it spreads (English)"), blank=True)
    symptoms_vi = models.TextField(_("symptoms (Vietnamese)"), blank=True)
    symptoms_en = models.TextField(_("symptoms (English)"), blank=True)
    # One step per line: the page shows them as a numbered list.
    removal_vi = models.TextField(_("removal steps (Vietnamese)"), blank=True)
    removal_en = models.TextField(_("removal steps (English)"), blank=True)
    references = models.JSONField(_("references"), default=list, blank=True)
    # Rows the back office edited keep their text when the shipped data is loaded again.
    edited = models.BooleanField(_("edited in the back office"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("encyclopedia page")
        verbose_name_plural = _("encyclopedia pages")

    def __str__(self) -> str:
        return self.name

    def removal_steps(self) -> list[str]:
        """Return the removal steps in the active language, blank lines dropped."""
        return [line.strip() for line in localised(self, "removal").splitlines() if line.strip()]

    def uses_attack(self) -> bool:
        """True when the page cites MITRE ATT&CK (its licence must then be shown)."""
        return bool(self.attack_id) or any(
            "attack.mitre.org" in str(ref.get("url", "")) for ref in self.references
        )


class PublishedAdvisories(models.QuerySet["Advisory"]):
    def published(self) -> PublishedAdvisories:
        return self.filter(published_at__lte=timezone.now())


class Advisory(models.Model):
    """A warning or news item from the authority, shown on the site and in the feeds."""

    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    summary_vi = models.TextField(_("summary (Vietnamese)"))
    summary_en = models.TextField(_("summary (English)"))
    body_vi = models.TextField(_("text (Vietnamese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    # A time in the future schedules the advisory: it is shown from then on.
    published_at = models.DateTimeField(_("published"), default=timezone.now, db_index=True)
    families = models.ManyToManyField(
        MalwareFamily, blank=True, related_name="advisories", verbose_name=_("related families")
    )
    link = models.URLField(_("link"), max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PublishedAdvisories.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("advisory")
        verbose_name_plural = _("advisories")

    def __str__(self) -> str:
        return self.title_en or self.title_vi

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])
