"""Message templates per kind, channel, stage, language and (optionally) malware family."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.intel.models import MalwareFamily
from cleannet.server.notices.vocabulary import Channel, Language, NoticeKind, Stage


class NoticeTemplate(models.Model):
    """Django template text; ``family`` empty is the default for every family.

    The first match wins: (kind, channel, stage, language, family), then the same without
    the family. A template that does not render with the sample context is refused when
    saved (``cleannet.server.notices.templating``), never when sending.
    """

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    family = models.ForeignKey(
        MalwareFamily,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notice_templates",
        verbose_name=_("family"),
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("body"))
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
    )

    class Meta:
        ordering = ["kind", "channel", "stage", "language", "family__name"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "stage", "language", "family"],
                name="noticetemplate_one_per_family",
            ),
            models.UniqueConstraint(
                fields=["kind", "channel", "stage", "language"],
                condition=Q(family__isnull=True),
                name="noticetemplate_one_default",
            ),
        ]

    def __str__(self) -> str:
        family = self.family.name if self.family is not None else "*"
        return f"{self.kind}/{self.channel}/{self.stage}/{self.language}/{family}"
