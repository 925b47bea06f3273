"""Verdicts of scanned files and the upload/look-up rate counters.

A verdict holds a file's hashes, size and what the scan found, and never who sent it: the
uploader's address exists only as a keyed digest in a rate counter, in another table, with
no link to any file. Written only through ``cleannet.server.filescan.services``.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verdict(models.TextChoices):
    CLEAN = "clean", _("No threat found")
    MALICIOUS = "malicious", _("Malicious")
    # Not fully scanned (a limit, a parse error, a failed worker): never called clean.
    UNSCANNED = "unscanned", _("Not fully scanned")


class FileVerdict(models.Model):
    """What one file was found to be under one signature version.

    ``detections`` is a list of ``{"path", "detection", "kind", "score"}`` (``path`` is
    ``""`` for the file itself, ``"!inner/name"`` for an archive member); ``unscanned`` a
    list of ``{"path", "reason", "detail"}``. ``sample_kept_until`` is set while the file
    itself is kept (malicious files only).
    """

    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    sha1 = models.CharField("SHA-1", max_length=40, db_index=True)
    md5 = models.CharField("MD5", max_length=32, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    bundle_version = models.CharField(_("signature version"), max_length=100)
    verdict = models.CharField(_("verdict"), max_length=12, choices=Verdict.choices)
    detections = models.JSONField(_("detections"), default=list, blank=True)
    unscanned = models.JSONField(_("not scanned"), default=list, blank=True)
    scanned_at = models.DateTimeField(_("scanned"), default=timezone.now)
    scan_seconds = models.FloatField(_("scan time (s)"), default=0.0)
    seen_count = models.PositiveIntegerField(_("times submitted"), default=1)
    last_seen_at = models.DateTimeField(_("last submitted"), default=timezone.now)
    sample_kept_until = models.DateTimeField(_("sample kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        verbose_name = _("file verdict")
        verbose_name_plural = _("file verdicts")
        constraints = [
            models.UniqueConstraint(
                fields=("sha256", "bundle_version"), name="fileverdict_one_per_version"
            ),
        ]
        indexes = [models.Index(fields=["sample_kept_until"])]

    def __str__(self) -> str:
        return f"{self.sha256[:16]}… {self.verdict}"

    def detection_names(self) -> list[str]:
        """Return the distinct detection names, in the order found."""
        return list(dict.fromkeys(str(d.get("detection", "")) for d in self.detections))


class ScanRateCounter(models.Model):
    """Uses counted in one window for one key: a keyed digest of the client address or
    user, never the value itself."""

    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("key", "window_start"), name="scanratecounter_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"])]
