"""The analysts' state changes on reports: assignment, status transitions, notes and replies.

Views, the API, tasks and tests call these; each change is one transaction with its audit
entry, and a refusal raises ``ValidationError`` naming the field (``status``,
``duplicate_of``, ``assignee``, ``body`` …). The life of a report::

    new → triaging → confirmed → actioned → closed
                   ↘ rejected  ↘ closed
                   ↘ duplicate (of an original) → closed

Taking a new report moves it to triaging. Confirming applies ``effects`` (indicators,
confirmed fakes, events) in the same transaction. Replies are e-mailed by ``triage_mail``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.brands.models import Brand
from cleannet.server.reports.effects import ConfirmationEffects, apply_confirmation_effects
from cleannet.server.reports.models import (
    HANDLED_STATUSES,
    MessageKind,
    Report,
    ReportMessage,
    ReportStatus,
)

S = ReportStatus
TRANSITIONS: Mapping[str, frozenset[str]] = {
    S.NEW: frozenset({S.TRIAGING}),
    S.TRIAGING: frozenset({S.CONFIRMED, S.REJECTED, S.DUPLICATE}),
    S.CONFIRMED: frozenset({S.ACTIONED, S.CLOSED}),
    S.REJECTED: frozenset({S.CLOSED}),
    S.DUPLICATE: frozenset({S.CLOSED}),
    S.ACTIONED: frozenset({S.CLOSED}),
    S.CLOSED: frozenset(),
}
MAX_MESSAGE_LENGTH = 10_000
# Never copied into the audit log (as in ``services``): the secret's digest, the reporter.
NOT_AUDITED = ("status_token_hash", "reporter_name", "reporter_email", "reporter_phone")


@dataclass(frozen=True)
class StatusChange:
    """The report after a transition and, for a confirmation, what it did elsewhere."""

    report: Report
    effects: ConfirmationEffects | None = None


def next_statuses(status: str) -> list[str]:
    """The states a report in ``status`` may move to, in the order of ``ReportStatus``."""
    allowed = TRANSITIONS.get(status, frozenset())
    return [value for value in ReportStatus.values if value in allowed]


def _require_analyst(actor: User) -> None:
    if not (actor.is_active and actor.has_role(*AUTHORITY_ROLES)):
        raise PermissionDenied(_("Only the authority's staff may triage reports."))


def _locked(report: Report) -> Report:
    return Report.objects.select_for_update().get(pk=report.pk)


def _system_message(report: Report, actor: User, body: str) -> None:
    ReportMessage.objects.create(report=report, kind=MessageKind.SYSTEM, author=actor, body=body)


def _save(report: Report, actor: User, action: str, before: dict[str, object]) -> Report:
    report.updated_at = timezone.now()
    report.save()
    record_change(actor, action, report, before, snapshot(report, NOT_AUDITED))
    return report


@transaction.atomic
def assign(actor: User, report: Report, assignee: User | None) -> Report:
    """Give ``report`` to ``assignee`` (None: unassign). The assignee must be active staff
    of the authority; raises ``ValidationError`` on ``assignee`` otherwise."""
    _require_analyst(actor)
    if assignee is not None and not (assignee.is_active and assignee.has_role(*AUTHORITY_ROLES)):
        raise ValidationError(
            {"assignee": _("Reports can only be given to the authority's staff.")}
        )
    locked = _locked(report)
    before = snapshot(locked, NOT_AUDITED)
    locked.assigned_to = assignee
    who = assignee.get_username() if assignee else _("nobody")
    _system_message(locked, actor, _("Assigned to %(who)s.") % {"who": who})
    return _save(locked, actor, "report.assign", before)


@transaction.atomic
def take(actor: User, report: Report) -> Report:
    """The actor takes ``report``: assigned to them, and a new report starts triaging."""
    taken = assign(actor, report, actor)
    if taken.status == ReportStatus.NEW:
        taken = change_status(actor, taken, ReportStatus.TRIAGING).report
    return taken


def _original_of(report: Report, original: Report | None) -> Report:
    """Check the original of a duplicate; follow it to its own original if it is one."""
    if original is None:
        raise ValidationError({"duplicate_of": _("Choose the report this one duplicates.")})
    original = Report.objects.get(pk=original.pk)  # the caller's copy may be stale
    seen = {report.pk}
    while original.duplicate_of_id is not None and original.pk not in seen:
        seen.add(original.pk)
        original = Report.objects.get(pk=original.duplicate_of_id)
    if original.pk in seen:
        raise ValidationError({"duplicate_of": _("A report cannot duplicate itself.")})
    return original


def _refuse_transition(report: Report, status: str) -> None:
    if status not in ReportStatus.values:
        raise ValidationError({"status": _("%(status)s is not a status.") % {"status": status}})
    if status not in TRANSITIONS.get(report.status, frozenset()):
        allowed = ", ".join(str(ReportStatus(s).label) for s in next_statuses(report.status))
        raise ValidationError(
            {
                "status": _("A report that is %(now)s cannot become %(to)s (allowed: %(allowed)s).")
                % {
                    "now": report.get_status_display(),
                    "to": ReportStatus(status).label,
                    "allowed": allowed or _("none"),
                }
            }
        )


@transaction.atomic
def change_status(
    actor: User,
    report: Report,
    status: str,
    *,
    duplicate_of: Report | None = None,
    brand: Brand | None = None,
) -> StatusChange:
    """Move ``report`` to ``status`` if its life allows it; return the change.

    ``duplicate_of`` is required for ``duplicate`` (a chain is followed to its original);
    ``brand`` is the impersonated brand for a phishing confirmation (see ``effects``).
    Sets ``handled_at`` the first time a decision is reached and ``closed_at`` on closing.
    Raises ``ValidationError`` naming ``status`` or ``duplicate_of`` (or a field the
    effects refuse), ``PermissionDenied`` for anyone but the authority's staff.
    """
    _require_analyst(actor)
    locked = _locked(report)
    _refuse_transition(locked, status)
    before = snapshot(locked, NOT_AUDITED)
    previous = locked.get_status_display()
    if status == ReportStatus.DUPLICATE:
        locked.duplicate_of = _original_of(locked, duplicate_of)
    locked.status = status
    now = timezone.now()
    if status in HANDLED_STATUSES and locked.handled_at is None:
        locked.handled_at = now
    if status == ReportStatus.CLOSED:
        locked.closed_at = now
    body = _("Status changed from %(before)s to %(after)s.") % {
        "before": previous,
        "after": locked.get_status_display(),
    }
    _system_message(locked, actor, body)
    saved = _save(locked, actor, "report.status", before)
    effects = None
    if status == ReportStatus.CONFIRMED:
        effects = apply_confirmation_effects(actor, saved, brand)
    return StatusChange(report=saved, effects=effects)


def _clean_body(body: str) -> str:
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write a message.")})
    if len(text) > MAX_MESSAGE_LENGTH:
        raise ValidationError({"body": _("At most %(n)d characters.") % {"n": MAX_MESSAGE_LENGTH}})
    return text


@transaction.atomic
def add_note(actor: User, report: Report, body: str) -> ReportMessage:
    """Add an internal note: seen by the analysts only, never shown or sent to the reporter."""
    _require_analyst(actor)
    note = ReportMessage.objects.create(
        report=report, kind=MessageKind.NOTE, author=actor, body=_clean_body(body)
    )
    record_change(actor, "report.note", note, after=snapshot(note))
    return note


@transaction.atomic
def add_reply(actor: User, report: Report, body: str) -> ReportMessage:
    """Add a reply to the reporter: shown on the status page; ``triage_mail.deliver_reply``
    e-mails it (the caller sends it after this returns; the worker retries failures)."""
    _require_analyst(actor)
    reply = ReportMessage.objects.create(
        report=report, kind=MessageKind.REPLY, author=actor, body=_clean_body(body)
    )
    record_change(actor, "report.reply", reply, after=snapshot(reply))
    Report.objects.filter(pk=report.pk).update(updated_at=timezone.now())
    return reply
