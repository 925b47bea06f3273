"""Reports to network owners (at the hub): an owner's new events, grouped into a ticket.

For each enabled rule that is due (``owner_report_rules.is_due``), the owner's events above
the rule's watermark that match its classifications (at most ``EVENT_CAP`` a report; the
rest go in the next one) become one ``OwnerReport`` numbered ``R-YYYY-NNNNNN``, with its
summary, its event links, the file in the rule's format and one e-mail per recipient in the
outbox. The report, its links, its messages and the rule's new watermark commit together:
a crash leaves no half report and no message without its report.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.db.models.functions import Length
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.models import Event
from cleannet.server.notices.models import OwnerReport, OwnerReportEvent, ReportRule
from cleannet.server.notices.outbox import enqueue
from cleannet.server.notices.owner_report_files import report_attachment
from cleannet.server.notices.owner_report_rules import due_rules, is_due, recipients_for
from cleannet.server.notices.template_context import owner_report_context
from cleannet.server.notices.templating import render_notice
from cleannet.server.notices.vocabulary import Channel, Language, NoticeKind, Stage

logger = logging.getLogger(__name__)

EVENT_CAP = 50_000
"""The most events one report holds; a larger backlog goes out over the next runs."""
LANGUAGES = (Language.VI, Language.EN)
SEPARATOR = "\n\n----------------------------------------\n\n"
"""Between the Vietnamese and the English text of a message (as breach notices do)."""
_NUMBER_ATTEMPTS = 5


@dataclass(frozen=True)
class _Batch:
    """The events of one report: ids in order, and what the summary says about them."""

    ids: list[int]
    first: dt.datetime
    last: dt.datetime
    summary: dict[str, Any]


def _ranked(counts: Counter[str]) -> list[list[Any]]:
    return [[name, n] for name, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _matching_events(rule: ReportRule) -> QuerySet[Event]:
    events = Event.objects.filter(owner=rule.organisation_id, id__gt=rule.last_event_id)
    if rule.classifications:
        events = events.filter(classification_type__in=rule.classifications)
    return events.order_by("id")


def _next_batch(rule: ReportRule, cap: int) -> _Batch | None:
    """Return the rule's next events (at most ``cap``), or None when there are none."""
    columns = ("id", "classification_type", "family__name", "time_source")
    rows = list(_matching_events(rule).values_list(*columns)[:cap])
    if not rows:
        return None
    times = [row[3] for row in rows]
    summary = {
        "event_count": len(rows),
        "by_type": _ranked(Counter(row[1] for row in rows)),
        # "" stands for events of no known family.
        "by_family": _ranked(Counter(row[2] or "" for row in rows)),
        "first_event_at": min(times).isoformat(),
        "last_event_at": max(times).isoformat(),
    }
    return _Batch(ids=[row[0] for row in rows], first=min(times), last=max(times), summary=summary)


def _next_number(year: int) -> str:
    prefix = f"R-{year:04d}-"
    # Longest first, then highest: "R-2026-1000000" sorts after "R-2026-999999".
    latest = (
        OwnerReport.objects.filter(number__startswith=prefix)
        .annotate(size=Length("number"))
        .order_by("-size", "-number")
        .values_list("number", flat=True)
        .first()
    )
    return f"{prefix}{int(latest[len(prefix) :]) + 1 if latest else 1:06d}"


def _save_numbered(report: OwnerReport, year: int) -> None:
    """Save ``report`` with the year's next number; a number taken meanwhile by a concurrent
    run (the unique constraint refuses it) is skipped and the next one tried."""
    for attempt in range(_NUMBER_ATTEMPTS):
        report.number = _next_number(year)
        try:
            with transaction.atomic():
                report.save()
            return
        except IntegrityError:
            if attempt == _NUMBER_ATTEMPTS - 1:
                raise


def _create_report(rule: ReportRule, batch: _Batch, now: dt.datetime) -> OwnerReport:
    report = OwnerReport(
        rule=rule,
        organisation=rule.organisation,
        format=rule.format,
        created_at=now,
        first_event_at=batch.first,
        last_event_at=batch.last,
        event_count=len(batch.ids),
        summary=batch.summary,
        recipients=recipients_for(rule),
    )
    _save_numbered(report, timezone.localtime(now, timezone.get_default_timezone()).year)
    OwnerReportEvent.objects.bulk_create(
        (OwnerReportEvent(report=report, event_id=event_id) for event_id in batch.ids),
        batch_size=2000,
    )
    record_change(None, "notices.owner_report.create", report, after=snapshot(report))
    return report


def download_url(report: OwnerReport, fmt: str | None = None) -> str:
    """The absolute address of ``report``'s download in ``fmt`` (its own format by default),
    or "" when ``CLEANNET_SITE_URL`` is not set or the workspace pages are not mounted."""
    site = str(getattr(settings, "CLEANNET_SITE_URL", "") or "").rstrip("/")
    try:
        path = reverse("owner_reports:download", args=[report.number, fmt or report.format])
    except NoReverseMatch:
        return ""
    return site + path if site else ""


def _bilingual(report: OwnerReport, attached: bool) -> tuple[str, str]:
    """Return (subject, body): "vi / en" subjects, the Vietnamese body then the English."""
    context = owner_report_context(report, download_url(report), attached=attached)
    subjects: list[str] = []
    bodies: list[str] = []
    for language in LANGUAGES:
        with translation.override(language):
            rendered = render_notice(
                NoticeKind.OWNER_REPORT, Channel.EMAIL, Stage.FIRST, language, "", context
            )
        subject = rendered.subject.strip()
        # The ticket is said once, at the front, when both languages' subjects start with it.
        tag = f"[{report.number}]"
        subjects.append(subject.removeprefix(tag).strip() if subjects else subject)
        bodies.append(rendered.body.strip())
    return " / ".join(subjects), SEPARATOR.join(bodies) + "\n"


def _queue_messages(report: OwnerReport, now: dt.datetime) -> None:
    if not report.recipients:
        logger.warning(
            "owner report %s: %s has no recipient (no address in the rule, no contact, no "
            "primary abuse contact); the report is kept, no message is sent",
            report.number,
            report.organisation.slug,
        )
        return
    attachment = report_attachment(report)
    subject, body = _bilingual(report, attached=attachment is not None)
    for recipient in report.recipients:
        enqueue(
            kind=NoticeKind.OWNER_REPORT,
            channel=Channel.EMAIL,
            recipient=recipient,
            ticket_ref=report.number,
            stage=Stage.FIRST,
            language=Language.VI,
            subject=subject,
            body=body,
            attachment=attachment,
            now=now,
        )


def run_rule(rule: ReportRule, now: dt.datetime, cap: int = EVENT_CAP) -> OwnerReport | None:
    """Run one rule if it is (still) due: return its new report, or None (no new events,
    not due, disabled, or being run by another worker right now). One transaction."""
    with transaction.atomic():
        # The lock makes concurrent runs of one rule take turns; the second then sees the
        # first's watermark (or skips), so no event is reported twice.
        locked = (
            ReportRule.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("organisation", "contact")
            .filter(pk=rule.pk, enabled=True)
            .first()
        )
        if locked is None or not is_due(locked, now):
            return None
        batch = _next_batch(locked, cap)
        report = None
        if batch is not None:
            report = _create_report(locked, batch, now)
            _queue_messages(report, now)
            locked.last_event_id = batch.ids[-1]
        locked.last_run_at = now
        locked.save(update_fields=["last_event_id", "last_run_at"])
    return report


def run_report_rules(now: dt.datetime | None = None) -> list[OwnerReport]:
    """Run every enabled rule due at ``now`` (default: the current time); return the new
    reports. A rule that fails is logged and left for the next run; the others still run."""
    now = now or timezone.now()
    reports = []
    for rule in due_rules(now):
        try:
            report = run_rule(rule, now)
        except Exception:
            logger.exception("owner report rule %s (%s) failed", rule.pk, rule.organisation)
            continue
        if report is not None:
            reports.append(report)
    return reports


def visible_reports(user: User) -> QuerySet[OwnerReport]:
    """The reports ``user`` may see: every report for authority staff, else their
    organisation's only."""
    reports = OwnerReport.objects.select_related("organisation")
    if user.is_authority:
        return reports
    return reports.filter(organisation=user.organisation_id)
