"""Reports from the public and organisations, their attachments and their messages.

A report is reached by the public only through its tracking number *and* the secret of its
status link; the secret is stored as a SHA-256 digest (``status_token_hash``) and shown once.
Written only through ``cleannet.server.reports.services`` (and the triage services).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    MALWARE = "malware", _("Malware infection")
    PHISHING = "phishing", _("Phishing or fake site")
    DATA_LEAK = "data_leak", _("Personal data leak")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    INCIDENT = "incident", _("Incident report (organisations)")


class ReportStatus(models.TextChoices):
    NEW = "new", _("Received")
    TRIAGING = "triaging", _("Being reviewed")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    ACTIONED = "actioned", _("Action taken")
    CLOSED = "closed", _("Closed")


# A report in one of these states has been handled (statistics count it once, on the day).
HANDLED_STATUSES = frozenset(
    {
        ReportStatus.CONFIRMED,
        ReportStatus.REJECTED,
        ReportStatus.DUPLICATE,
        ReportStatus.ACTIONED,
        ReportStatus.CLOSED,
    }
)


class ReportLanguage(models.TextChoices):
    VI = "vi", "Tiếng Việt"
    EN = "en", "English"


class Report(models.Model):
    """One report. ``group_key`` is the normalised host, domain or IP it is about ("" if
    none): the triage queue groups reports by it."""

    kind = models.CharField(_("kind"), max_length=20, choices=ReportKind.choices)
    tracking_number = models.CharField(_("tracking number"), max_length=20, unique=True)
    status_token_hash = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.NEW
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))
    target_url = models.CharField(_("URL"), max_length=2048, blank=True)
    target_domain = models.CharField(_("domain"), max_length=253, blank=True)
    target_ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    group_key = models.CharField(_("about"), max_length=253, blank=True, db_index=True)
    reporter_name = models.CharField(_("name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("e-mail"), max_length=254, blank=True)
    reporter_phone = models.CharField(_("phone"), max_length=40, blank=True)
    keep_confidential = models.BooleanField(_("keep confidential"), default=False)
    language = models.CharField(
        _("language"), max_length=2, choices=ReportLanguage.choices, default=ReportLanguage.VI
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("organisation"),
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_reports",
        verbose_name=_("assigned to"),
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # When the report first reached a handled state (statistics; kept if it is reopened).
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["handled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"

    @property
    def is_handled(self) -> bool:
        return self.status in HANDLED_STATUSES

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Statistics count a report as handled once, on the day it first left the queue,
        # whichever service moved it (so long as it saves the model, not a bulk update).
        if self.is_handled and self.handled_at is None:
            self.handled_at = timezone.now()
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "handled_at"}
        super().save(*args, **kwargs)


class IncidentDetails(models.Model):
    """The initial incident report of Circular 20/2017/TT-BTTTT ("Báo cáo ban đầu sự cố
    mạng"), for reports of kind ``incident``. The description, confidentiality flag and the
    reporter's own contact are on the report itself."""

    report = models.OneToOneField(
        Report, on_delete=models.CASCADE, related_name="incident", primary_key=True
    )
    organisation_name = models.CharField(_("reporting organisation"), max_length=200)
    organisation_address = models.CharField(_("address"), max_length=300)
    organisation_phone = models.CharField(_("phone"), max_length=40)
    organisation_email = models.EmailField(_("e-mail"), max_length=254)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_position = models.CharField(_("position"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), max_length=254, blank=True)
    system_operator = models.CharField(_("system operator"), max_length=200, blank=True)
    system_governing_agency = models.CharField(_("governing agency"), max_length=200, blank=True)
    system_name = models.CharField(_("system name"), max_length=200)
    system_classification = models.CharField(_("classification level"), max_length=40, blank=True)
    service_providers = models.TextField(_("service providers"), blank=True)
    detected_at = models.DateTimeField(_("detected"))
    current_status = models.TextField(_("current status"), blank=True)
    operating_systems = models.TextField(_("operating systems and versions"), blank=True)
    # Normalised by core; lists of strings.
    ip_addresses = models.JSONField(_("IP addresses"), default=list, blank=True)
    domains = models.JSONField(_("domains"), default=list, blank=True)
    system_purpose = models.TextField(_("purpose of the system"), blank=True)

    class Meta:
        verbose_name = _("incident details")
        verbose_name_plural = _("incident details")

    def __str__(self) -> str:
        return f"{self.organisation_name}: {self.system_name}"


class AttachmentVerdict(models.TextChoices):
    PENDING = "pending", _("Being scanned")
    CLEAN = "clean", _("No threat found")
    MALICIOUS = "malicious", _("Malicious")
    UNSCANNED = "unscanned", _("Not fully scanned")


class ReportAttachment(models.Model):
    """A file sent with a report. ``stored_path`` is outside every served directory (mode
    0600); ``original_name`` is only ever shown, never used as a path. ``detections`` is a
    list of detection names. Once ``file_deleted_at`` is set the file is gone for this row
    (the same content may stay on disk for another report's attachment)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    original_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    stored_path = models.CharField(max_length=500)
    verdict = models.CharField(
        _("verdict"),
        max_length=12,
        choices=AttachmentVerdict.choices,
        default=AttachmentVerdict.PENDING,
    )
    detections = models.JSONField(_("detections"), default=list, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now)
    # Set when retention deleted the file (``retention``); the hash and verdict stay.
    file_deleted_at = models.DateTimeField(_("file deleted"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.verdict})"


class MessageKind(models.TextChoices):
    REPLY = "reply", _("Reply to the reporter")
    NOTE = "note", _("Internal note")
    SYSTEM = "system", _("System")


class ReportMessage(models.Model):
    """A reply (shown on the status page and e-mailed), an internal note (never leaves the
    analysts) or a system message (state changes; shown to analysts only)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(_("kind"), max_length=8, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("written"), default=timezone.now)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"


class ReportRateCounter(models.Model):
    """Reports filed in one window for one key: a keyed digest of the client address or the
    e-mail address, never the value itself. Also counts honeypot hits (scope ``honeypot``)."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("key", "window_start"), name="reportratecounter_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]


class TrackingSequence(models.Model):
    """The last tracking number issued per year (``CN-<year>-<6 digits>``)."""

    year = models.PositiveIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)
