"""The e-mails of the breach-notice workflow, in Vietnamese with the English text below.

E-mail is not a safe channel, so a message names the notice by its reference and says
what to do; it never carries what the notice says about the breach. When
``CLEANNET_SITE_URL`` is set it links the notice's page (which asks for a login).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from cleannet.server.breachnotices.clock import deadline_clock
from cleannet.server.breachnotices.models import BreachNotice

LANGUAGES = ("vi", "en")
SEPARATOR = "\n\n----------------------------------------\n\n"


def _bilingual(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Return (subject, body) rendered in each language, Vietnamese first.

    The template's first line is the subject; the rest is the body.
    """
    subjects, bodies = [], []
    for language in LANGUAGES:
        with translation.override(language):
            subject, _, body = render_to_string(template, context).strip().partition("\n")
        subjects.append(subject.strip())
        bodies.append(body.strip())
    return " / ".join(subjects), SEPARATOR.join(bodies) + "\n"


def notice_url(notice: BreachNotice) -> str:
    """The address of ``notice``'s page on the public site, or "" when
    ``CLEANNET_SITE_URL`` is not set (a link to nowhere is worse than none)."""
    site = str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/")
    if not site:
        return ""
    return site + reverse("breachnotices:detail", args=[notice.pk])


def send_draft_reminder(notice: BreachNotice, threshold_hours: int, now: Any) -> int:
    """E-mail the contact person that the draft is not filed yet; return the recipient count."""
    context = {
        "notice": notice,
        "notice_url": notice_url(notice),
        "threshold_hours": threshold_hours,
        "clock": deadline_clock(notice.discovered_at, None, now),
    }
    subject, body = _bilingual("breachnotices/email/draft_reminder.txt", context)
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [notice.contact_email])


def send_late_alert(notice: BreachNotice, recipients: Sequence[str]) -> int:
    """E-mail the analysts that a notice was filed after its deadline; return the count sent."""
    if not recipients:
        return 0
    assert notice.filed_at is not None
    context = {
        "notice": notice,
        "notice_url": notice_url(notice),
        "clock": deadline_clock(notice.discovered_at, notice.filed_at, notice.filed_at),
    }
    subject, body = _bilingual("breachnotices/email/late_alert.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients))
    return len(recipients)
