"""Reminders of the 72-hour deadline, sent by the worker (``tasks.send_breach_reminders``).

- The contact person of a notice still in draft hears at 24, 48 and 66 hours after
  discovery (the highest threshold passed; a draft written at hour 50 gets one reminder,
  not two).
- The analysts hear once about each open notice that was filed after its deadline.

Each reminder is recorded (``ReminderSent``, unique per notice, audience and threshold)
in the transaction that sends it: a second worker's insert fails and it sends nothing, and a
failed send rolls the record back so that the next run tries again.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.breachnotices import mail
from cleannet.server.breachnotices.clock import LATE_ALERT_HOURS, REMINDER_HOURS, reminder_threshold
from cleannet.server.breachnotices.models import BreachNotice, ReminderSent, Status
from cleannet.server.breachnotices.services import OPEN_STATUSES

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReminderReport:
    """How many reminders one run sent to contacts and alerts to the analysts, and failed."""

    contact_reminders: int = 0
    analyst_alerts: int = 0
    failed: int = 0


def _record_and_send(
    notice: BreachNotice, audience: str, threshold: int, send: Callable[[], int]
) -> bool | None:
    """Record the reminder and send it in one transaction; True sent, False taken, None failed."""
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(
                notice=notice, audience=audience, threshold_hours=threshold
            )
            record.recipients = send()
            record.save(update_fields=["recipients"])
            after = {
                "audience": audience,
                "threshold_hours": threshold,
                "recipients": record.recipients,
            }
            record_change(None, "breach_notice.remind", notice, after=after)
    except IntegrityError:
        return False  # another worker sent this one
    except (smtplib.SMTPException, OSError) as error:
        logger.warning(
            "breach notice %s: %s reminder not sent: %s", notice.reference, audience, error
        )
        return None
    return True


def drafts_due_a_reminder(now: dt.datetime) -> list[tuple[BreachNotice, int]]:
    """Return the drafts whose highest passed threshold has not been reminded yet."""
    first = dt.timedelta(hours=REMINDER_HOURS[0])
    drafts = BreachNotice.objects.filter(status=Status.DRAFT, discovered_at__lte=now - first)
    due = []
    for notice in drafts.select_related("organisation").prefetch_related("reminders"):
        threshold = reminder_threshold(notice.discovered_at, now)
        sent = [r.threshold_hours for r in notice.reminders.all() if r.audience == "contact"]
        if threshold is not None and not any(hours >= threshold for hours in sent):
            due.append((notice, threshold))
    return due


def late_notices_without_alert() -> list[BreachNotice]:
    """Return the open notices filed after their deadline that the analysts have not heard of."""
    late = BreachNotice.objects.filter(status__in=OPEN_STATUSES, filed_at__gt=F("due_at"))
    alerted = ReminderSent.objects.filter(audience=ReminderSent.Audience.ANALYSTS)
    return list(late.exclude(pk__in=alerted.values("notice")).select_related("organisation"))


def analyst_addresses() -> list[str]:
    """Return the e-mail addresses of the active analysts."""
    analysts = User.objects.filter(role=Role.AUTHORITY_ANALYST, is_active=True).exclude(email="")
    return sorted(analysts.values_list("email", flat=True))


def send_due_reminders(now: dt.datetime | None = None) -> ReminderReport:
    """Send every reminder and alert that is due at ``now``; return what was sent."""
    now = now or timezone.now()
    outcomes: dict[str, list[bool | None]] = {"contact": [], "analysts": []}
    for notice, threshold in drafts_due_a_reminder(now):
        send = partial(mail.send_draft_reminder, notice, threshold, now)
        outcomes["contact"].append(_record_and_send(notice, "contact", threshold, send))
    recipients = analyst_addresses()
    if not recipients:
        logger.warning("no active analyst has an e-mail address: late notices are not alerted")
    for notice in late_notices_without_alert():
        send = partial(mail.send_late_alert, notice, recipients)
        outcomes["analysts"].append(_record_and_send(notice, "analysts", LATE_ALERT_HOURS, send))
    every = outcomes["contact"] + outcomes["analysts"]
    return ReminderReport(
        contact_reminders=outcomes["contact"].count(True),
        analyst_alerts=outcomes["analysts"].count(True),
        failed=every.count(None),
    )
