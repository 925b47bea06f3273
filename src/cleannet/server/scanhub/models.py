"""Published signature bundles (the blob itself is a file under the var directory) and the
scan reports citizens chose to upload."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SignatureBundle(models.Model):
    """A signed bundle as published; ``version`` only goes forward (``YYYYMMDD.N``)."""

    version = models.CharField(_("version"), max_length=40, unique=True)
    # Every part zero-padded, so that text order is version order (20260415.10 > .9).
    sort_key = models.CharField(_("sort key"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    key_id = models.CharField(_("signing key id"), max_length=16)
    file = models.CharField(_("file (under the var directory)"), max_length=255)
    counts = models.JSONField(_("contents"), default=dict, blank=True)
    built_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("built by"),
    )
    built_by_label = models.CharField(_("built by (name)"), max_length=150)

    class Meta:
        ordering = ["-sort_key"]
        verbose_name = _("signature bundle")
        verbose_name_plural = _("signature bundles")

    def __str__(self) -> str:
        return f"bundle {self.version}"


class ScanReportUpload(models.Model):
    """A scan report a citizen chose to send (``cleannet-scan --upload-report``).

    Only what helps the authority see what spreads: versions, totals, each detection's name,
    kind, action, score and SHA-256, a count per unscanned reason. No path, no description,
    no IP address: ``rate_bucket`` is a keyed hash of the client address *and the hour*, so
    it counts one address's uploads within that hour and links nothing across hours; it is
    blanked once the hour is over.
    """

    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    scanner_version = models.CharField(_("scanner version"), max_length=40)
    bundle_version = models.CharField(_("signature bundle"), max_length=40, blank=True)
    exit_code = models.PositiveSmallIntegerField(_("exit code"))
    paths_included = models.BooleanField(_("paths were sent"), default=False)
    totals = models.JSONField(_("totals"), default=dict)
    detections = models.JSONField(_("detections"), default=list, blank=True)
    detection_count = models.PositiveIntegerField(_("detections (count)"), default=0)
    unscanned_reasons = models.JSONField(_("not scanned, per reason"), default=dict, blank=True)
    rate_bucket = models.CharField(_("rate-limit bucket"), max_length=64, blank=True, db_index=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("uploaded scan report")
        verbose_name_plural = _("uploaded scan reports")

    def __str__(self) -> str:
        return f"scan report {self.pk} ({self.received_at:%Y-%m-%d %H:%M})"
