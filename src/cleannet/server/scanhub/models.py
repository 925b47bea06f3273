"""One row per published signature bundle; the blob itself is a file under the var directory."""

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
