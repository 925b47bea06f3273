"""E-mail from triage: replies to reporters (in their language) and the analysts' overdue digest.

A reply is *claimed* before it is sent (``emailed_at`` set only if still empty, one UPDATE),
so two workers never send it twice; a failed send clears the claim again and records the
failure in the audit log (``report_message.email_failed``), and ``retry_unsent_replies``
(run by the worker) tries again. The status link's secret is never known here (only its
digest is stored), so a reply names the tracking number and the site.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone, translation

from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.reports.models import MessageKind, Report, ReportMessage
from cleannet.server.reports.sla import SlaTimer, overdue_q, timer_for

logger = logging.getLogger(__name__)
RETRY_FOR = dt.timedelta(days=7)
"""Replies older than this are no longer retried (the address is likely wrong)."""
DIGEST_LANGUAGES = ("vi", "en")
SEPARATOR = "\n\n----------------------------------------\n\n"


def site_url() -> str:
    """The public address of the site for links in e-mail (``CLEANNET_SITE_URL``), or ""."""
    return str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/")


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    subject, _sep, body = render_to_string(template, context).strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def _claim(message: ReportMessage) -> bool:
    claimed = ReportMessage.objects.filter(pk=message.pk, emailed_at__isnull=True)
    return claimed.update(emailed_at=timezone.now()) == 1


def deliver_reply(message: ReportMessage) -> bool | None:
    """E-mail a reply to its reporter in the report's language.

    Returns True when sent, None when it failed (recorded; retried later), False when
    there is nothing to do (not a reply, no address, or already sent or being sent).
    """
    report = message.report
    if message.kind != MessageKind.REPLY or not report.reporter_email or not _claim(message):
        return False
    with translation.override(report.language or "vi"):
        subject, body = _render(
            "reports/triage_reply_email.txt",
            {"report": report, "message": message, "site_url": site_url()},
        )
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [report.reporter_email])
    except (smtplib.SMTPException, OSError) as error:
        ReportMessage.objects.filter(pk=message.pk).update(emailed_at=None)
        record_change(None, "report_message.email_failed", message, after={"error": str(error)})
        logger.warning("report %s: reply not e-mailed: %s", report.tracking_number, error)
        return None
    message.refresh_from_db(fields=["emailed_at"])
    record_change(None, "report_message.emailed", message, after={"to": "reporter"})
    return True


@dataclass(frozen=True)
class RetryOutcome:
    sent: int = 0
    failed: int = 0


def retry_unsent_replies(now: dt.datetime | None = None) -> RetryOutcome:
    """Send every reply of the last seven days that has not been e-mailed yet."""
    since = (now or timezone.now()) - RETRY_FOR
    unsent = (
        ReportMessage.objects.filter(
            kind=MessageKind.REPLY, emailed_at__isnull=True, created_at__gte=since
        )
        .exclude(report__reporter_email="")
        .select_related("report")
        .order_by("id")
    )
    outcomes = [deliver_reply(message) for message in unsent]
    return RetryOutcome(sent=outcomes.count(True), failed=outcomes.count(None))


# --- The overdue digest -------------------------------------------------------------------


def overdue_reports(now: dt.datetime) -> list[tuple[Report, SlaTimer]]:
    """Reports awaiting a decision past their due time at ``now``, the most overdue first."""
    reports = Report.objects.filter(overdue_q(now)).select_related("assigned_to")
    rows = [(r, timer_for(r.kind, r.status, r.created_at, r.due_at, now)) for r in reports]
    return sorted(rows, key=lambda row: (row[1].due_at, row[0].pk))


def staff_addresses() -> list[str]:
    """The e-mail addresses of the active analysts and administrators of the authority."""
    staff = User.objects.filter(
        role__in=[Role.AUTHORITY_ANALYST, Role.AUTHORITY_ADMIN], is_active=True
    ).exclude(email="")
    return sorted(set(staff.values_list("email", flat=True)))


def send_overdue_digest(now: dt.datetime | None = None) -> int:
    """E-mail the authority's staff the list of overdue reports (Vietnamese, then English).

    Returns the number of reports listed; nothing is sent when none is overdue or nobody
    has an address. A failed send is logged and raised to the worker (huey retries).
    """
    now = now or timezone.now()
    rows = overdue_reports(now)
    recipients = staff_addresses()
    if not rows or not recipients:
        return 0
    context = {"rows": rows, "site_url": site_url()}
    subjects, bodies = [], []
    for language in DIGEST_LANGUAGES:
        with translation.override(language):
            subject, body = _render("reports/triage_overdue_email.txt", context)
        subjects.append(subject)
        bodies.append(body.strip())
    send_mail(
        " / ".join(subjects), SEPARATOR.join(bodies) + "\n", settings.DEFAULT_FROM_EMAIL, recipients
    )
    return len(rows)
