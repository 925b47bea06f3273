"""The door of the report channel: filing a report, attaching files, the status look-up.

Pages, the demo loader and tests call these; each change writes an audit entry in the same
transaction. The status-link secret is returned once by ``file_report`` and never stored:
only its SHA-256 is. The audit log never holds the secret's hash nor the reporter's contact.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from cleannet.core.errors import InvalidValue
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.reports import attachments, ratelimits, sla, tracking
from cleannet.server.reports.models import (
    IncidentDetails,
    MessageKind,
    Report,
    ReportAttachment,
    ReportKind,
    ReportLanguage,
    ReportMessage,
)
from cleannet.server.reports.options import ReportOptions, current_options
from cleannet.server.reports.targets import normalise_list, normalise_targets
from cleannet.server.reports.tasks import scan_attachment_task

__all__ = [
    "AttachmentTooLarge",
    "IncidentInput",
    "NewReport",
    "add_attachment",
    "allow_report",
    "count_honeypot",
    "file_report",
    "reports_of",
    "status_for",
]

AttachmentTooLarge = attachments.AttachmentTooLarge
count_honeypot = ratelimits.count_honeypot
# Never copied into the audit log: a secret's digest and the reporter's personal data.
_NOT_AUDITED = ("status_token_hash", "reporter_name", "reporter_email", "reporter_phone")


@dataclass(frozen=True)
class IncidentInput:
    """The initial incident report of Circular 20/2017 (see ``IncidentDetails``).
    ``ip_addresses`` and ``domains`` may be text (one per line) or lists."""

    organisation_name: str
    organisation_address: str
    organisation_phone: str
    organisation_email: str
    system_name: str
    detected_at: dt.datetime
    contact_name: str = ""
    contact_position: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    system_operator: str = ""
    system_governing_agency: str = ""
    system_classification: str = ""
    service_providers: str = ""
    current_status: str = ""
    operating_systems: str = ""
    ip_addresses: str | list[str] = ""
    domains: str | list[str] = ""
    system_purpose: str = ""


@dataclass(frozen=True)
class NewReport:
    """What a reporter sends; targets are normalised (and refused by field) on filing."""

    kind: str
    title: str
    description: str
    target_url: str = ""
    target_domain: str = ""
    target_ip: str = ""
    reporter_name: str = ""
    reporter_email: str = ""
    reporter_phone: str = ""
    keep_confidential: bool = False
    language: str = ReportLanguage.VI
    incident: IncidentInput | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def allow_report(client: str, email: str, opts: ReportOptions | None = None) -> bool:
    """Count one report from ``client`` (an address) and for ``email`` (if any); False when
    either allowance is used up (the e-mail's is then not counted)."""
    opts = opts or current_options()
    if not ratelimits.take("client", client, opts.per_hour_per_client, ratelimits.HOUR):
        return False
    address = email.strip().lower()
    return not address or ratelimits.take("email", address, opts.per_day_per_email, ratelimits.DAY)


def _check(data: NewReport) -> None:
    if data.kind not in ReportKind.values:
        raise InvalidValue("kind", data.kind, f"expected one of {', '.join(ReportKind.values)}")
    if data.language not in ReportLanguage.values:
        raise InvalidValue("language", data.language, "expected vi or en")
    if not data.title.strip():
        raise InvalidValue("title", data.title, "a title is required")
    if not data.description.strip():
        raise InvalidValue("description", data.description, "a description is required")
    if data.kind == ReportKind.INCIDENT and data.incident is None:
        raise InvalidValue("incident", None, "an incident report needs the incident details")


def _incident_fields(incident: IncidentInput) -> dict[str, Any]:
    values = asdict(incident)
    values["ip_addresses"] = normalise_list(incident.ip_addresses, "ip_addresses", "ip")
    values["domains"] = normalise_list(incident.domains, "domains", "domain")
    return values


def _group_key(report: Report, incident: dict[str, Any] | None) -> str:
    key = normalise_targets(report.target_url, report.target_domain).group_key
    key = key or (report.target_ip or "")
    if not key and incident:
        key = next(iter(incident["domains"] + incident["ip_addresses"]), "")
    return key


def _new_report(data: NewReport, organisation: Organisation | None, now: dt.datetime) -> Report:
    targets = normalise_targets(data.target_url, data.target_domain, data.target_ip)
    return Report(
        kind=data.kind,
        title=data.title.strip()[:200],
        description=data.description.strip(),
        target_url=targets.url,
        target_domain=targets.domain,
        target_ip=targets.ip or None,
        reporter_name=data.reporter_name.strip(),
        reporter_email=data.reporter_email.strip(),
        reporter_phone=data.reporter_phone.strip(),
        keep_confidential=data.keep_confidential,
        language=data.language,
        organisation=organisation,
        created_at=now,
        updated_at=now,
    )


def file_report(
    actor: User | None,
    data: NewReport,
    organisation: Organisation | None = None,
    now: dt.datetime | None = None,
) -> tuple[Report, str]:
    """Store a new report and return it with the secret of its status link (shown once).

    Raises ``InvalidValue`` naming the refused field (``target_url``, ``ip_addresses`` …);
    nothing is stored then.
    """
    now = now or timezone.now()
    _check(data)
    report = _new_report(data, organisation, now)
    incident = _incident_fields(data.incident) if data.incident is not None else None
    report.group_key = _group_key(report, incident)
    report.due_at = sla.due_at_for(report.kind, now)
    secret = tracking.new_secret()
    report.status_token_hash = tracking.secret_hash(secret)
    with transaction.atomic():
        report.tracking_number = tracking.next_tracking_number(now.astimezone(dt.UTC).year)
        report.save()
        if incident is not None:
            IncidentDetails.objects.create(report=report, **incident)
        ReportMessage.objects.create(
            report=report, kind=MessageKind.SYSTEM, body="received", created_at=now
        )
        record_change(actor, "reports.file", report, None, snapshot(report, _NOT_AUDITED))
    return report, secret


def add_attachment(
    actor: User | None,
    report: Report,
    original_name: str,
    chunks: Iterable[bytes],
    opts: ReportOptions | None = None,
) -> ReportAttachment:
    """Store a file with ``report`` and queue its scan (after the commit).

    Raises ``InvalidValue`` (field ``attachments``) past the number of files allowed and
    ``AttachmentTooLarge`` past the size allowed; nothing is kept then.
    """
    opts = opts or current_options()
    if report.attachments.count() >= opts.max_attachments:
        reason = f"at most {opts.max_attachments} files per report"
        raise InvalidValue("attachments", original_name, reason)
    stored = attachments.store(opts.directory, chunks, opts.max_attachment_bytes)
    with transaction.atomic():
        attachment = ReportAttachment.objects.create(
            report=report,
            original_name=(original_name or "file")[-255:],
            sha256=stored.sha256,
            size=stored.size,
            stored_path=str(stored.path),
        )
        record_change(actor, "reports.attach", attachment, None, snapshot(attachment))
        transaction.on_commit(lambda: _queue_scan(attachment.pk))
    return attachment


def _queue_scan(attachment_id: int) -> None:
    scan_attachment_task(attachment_id)


def status_for(tracking_number: str, secret: str) -> Report | None:
    """Return the report with this number when ``secret`` is its status link's secret;
    None otherwise, whichever part was wrong (compared in constant time)."""
    number = tracking_number.strip().upper()
    report = None
    if tracking.TRACKING_RE.fullmatch(number):
        report = Report.objects.filter(tracking_number=number).first()
    stored = report.status_token_hash if report is not None else None
    return report if tracking.secret_matches(secret, stored) else None


def reports_of(organisation: Organisation) -> list[Report]:
    """Return the reports filed by members of ``organisation``, newest first."""
    return list(Report.objects.filter(organisation=organisation).order_by("-created_at", "-id"))


def mark_confirmation_sent(report: Report, at: dt.datetime | None = None) -> None:
    """Note on the report's ``received`` message that the confirmation went out."""
    ReportMessage.objects.filter(report=report, kind=MessageKind.SYSTEM, body="received").update(
        emailed_at=at or timezone.now()
    )
