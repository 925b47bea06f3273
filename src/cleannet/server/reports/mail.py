"""The confirmation e-mail sent to a reporter, in the report's language.

It carries the tracking number and the secret status link; the secret exists only in this
message and on the page shown once, never in a log.
"""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from cleannet.server.reports.models import Report

logger = logging.getLogger(__name__)


def send_confirmation(report: Report, status_url: str) -> bool:
    """Mail the tracking number and ``status_url`` to the reporter; return whether it went
    out (False when there is no address or the relay refused: the page still shows both)."""
    if not report.reporter_email:
        return False
    context = {"report": report, "status_url": status_url}
    with translation.override(report.language):
        subject = render_to_string("reports/messages/confirmation_subject.txt", context)
        body = render_to_string("reports/messages/confirmation_email.txt", context)
    message = EmailMessage(subject=" ".join(subject.split()), body=body, to=[report.reporter_email])
    try:
        message.send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("reports: confirmation of %s not sent: %s", report.tracking_number, error)
        return False
    return True
