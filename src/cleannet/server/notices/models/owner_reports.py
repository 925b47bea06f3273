"""At the hub: which events go to which network owner, how often, in what format."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import Organisation
from cleannet.server.intel.models import Event
from cleannet.server.networks.models import AbuseContact


class ReportRule(models.Model):
    """Send an organisation's events of some classifications, in a format, at an interval.

    Recipients are ``recipients`` (one address a line) or, when blank, the ``contact``'s
    address, or the organisation's primary abuse contact. ``classifications`` lists
    ``classification.type`` values; empty means every type. ``last_event_id`` is the
    watermark: the next report holds the owner's matching events above it.
    """

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"
        STIX = "stix", "STIX 2.1"

    class Interval(models.TextChoices):
        IMMEDIATE = "immediate", _("Immediately")
        HOURLY = "hourly", _("Hourly")
        DAILY = "daily", _("Daily")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="report_rules",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        AbuseContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_rules",
        verbose_name=_("contact"),
    )
    recipients = models.TextField(_("recipients (one e-mail address a line)"), blank=True)
    classifications = models.JSONField(_("classification types"), default=list, blank=True)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices, default="csv")
    interval = models.CharField(
        _("interval"), max_length=10, choices=Interval.choices, default=Interval.DAILY
    )
    enabled = models.BooleanField(_("enabled"), default=True)
    last_event_id = models.PositiveBigIntegerField(_("last event reported"), default=0)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["organisation", "id"]
        verbose_name = _("report rule")
        verbose_name_plural = _("report rules")

    def __str__(self) -> str:
        return f"{self.organisation} {self.interval} {self.format}"


class OwnerReport(models.Model):
    """One aggregated report (a ticket) sent to a network owner."""

    number = models.CharField(_("ticket"), max_length=40, unique=True)
    rule = models.ForeignKey(
        ReportRule,
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("rule"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="owner_reports",
        verbose_name=_("organisation"),
    )
    format = models.CharField(_("format"), max_length=4, choices=ReportRule.Format.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    first_event_at = models.DateTimeField(_("first event"))
    last_event_at = models.DateTimeField(_("last event"))
    event_count = models.PositiveIntegerField(_("events"))
    summary = models.JSONField(_("summary"), default=dict)
    recipients = models.JSONField(_("recipients"), default=list)
    events = models.ManyToManyField(
        Event, through="notices.OwnerReportEvent", related_name="owner_reports"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("owner report")
        verbose_name_plural = _("owner reports")
        indexes = [models.Index(fields=["organisation", "created_at"], name="ownerreport_org")]

    def __str__(self) -> str:
        return self.number


class OwnerReportEvent(models.Model):
    report = models.ForeignKey(OwnerReport, on_delete=models.CASCADE)
    event = models.ForeignKey(Event, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "event"], name="ownerreportevent_once")
        ]
