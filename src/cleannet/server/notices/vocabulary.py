"""The words every part of notices shares: kinds of notice, channels, escalation stages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    SUBSCRIBER_WARNING = "subscriber_warning", _("Subscriber warning")
    OWNER_REPORT = "owner_report", _("Report to a network owner")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")
    PAGE = "page", _("Walled-garden page")


class Stage(models.TextChoices):
    """The step of escalation a message belongs to; owner reports are always ``FIRST``."""

    FIRST = "first", _("First notice")
    REMINDER = "reminder", _("Reminder")
    FINAL = "final", _("Final notice")
    REINFECTED = "reinfected", _("Found again after cleaning")


class Language(models.TextChoices):
    VI = "vi", _("Vietnamese")
    EN = "en", _("English")


ESCALATION = (Stage.FIRST, Stage.REMINDER, Stage.FINAL)
"""The order of escalation; ``REINFECTED`` starts it again after an acknowledgement."""
