"""The result of a public leak check, sent to the checked address or number itself.

The address lives only in the outgoing message: nothing here stores or logs it.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from cleannet.server.leaks.models import Breach
from cleannet.server.leaks.sms import sms_sender


def _context(breaches: Sequence[Breach], breaches_url: str) -> dict[str, object]:
    return {"breaches": list(breaches), "breaches_url": breaches_url}


def send_result_email(address: str, breaches: Sequence[Breach], breaches_url: str = "") -> None:
    """Mail the breaches holding ``address`` (or "nothing found") to ``address``, in the
    active language. Raises ``smtplib.SMTPException`` or ``OSError`` when the relay fails."""
    context = _context(breaches, breaches_url)
    subject = render_to_string("leaks/messages/result_subject.txt", context).strip()
    body = render_to_string("leaks/messages/result_email.txt", context)
    EmailMessage(subject=subject, body=body, to=[address]).send(fail_silently=False)


def send_result_sms(number: str, breaches: Sequence[Breach]) -> None:
    """Text the breaches holding ``number`` (or "nothing found") to it through the
    configured channel. Raises ``SmsError`` when the channel fails."""
    text = render_to_string("leaks/messages/result_sms.txt", _context(breaches, ""))
    sms_sender().send(number, " ".join(text.split()))
