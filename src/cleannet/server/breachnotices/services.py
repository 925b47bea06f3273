"""State changes of breach notices; pages, tasks and tests all call these.

Every function checks who acts (an organisation's member for its own notices, authority
staff for the follow-up), moves the notice along draft → filed → acknowledged ⇄ follow-up
requested → closed, and records an audit entry in the same transaction. Refused input or
a move the status does not allow raises ``ValidationError`` naming the field; the wrong
person raises ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.breachnotices import checks, clock
from cleannet.server.breachnotices.models import BreachNotice, NoticeMessage, Status

EDITABLE_FIELDS = (
    "summary",
    "what_happened",
    "occurred_at",
    "discovered_at",
    "data_types",
    "other_data_types",
    "records_affected",
    "people_affected",
    "likely_consequences",
    "measures_taken",
    "measures_planned",
    "contact_name",
    "contact_email",
    "contact_phone",
    "affected_people_notified",
    "notify_affected_through_notices",
    "affected_people_message",
    "late_reason",
)
"""What the organisation writes; everything else is set by these functions."""
OPEN_STATUSES = (Status.FILED, Status.ACKNOWLEDGED, Status.FOLLOW_UP)


def _require_member(actor: User, organisation: Organisation) -> None:
    if not (actor.has_role(Role.ORG_MEMBER) and actor.organisation_id == organisation.pk):
        raise PermissionDenied(_("Only the organisation's members may do this."))


def _require_authority(actor: User) -> None:
    if not actor.has_role(*AUTHORITY_ROLES):
        raise PermissionDenied(_("Only the authority's staff may do this."))


def _require_status(notice: BreachNotice, *allowed: str) -> None:
    if notice.status not in allowed:
        raise ValidationError(
            {
                "status": _("Not possible while the notice is %(status)s.")
                % {"status": notice.get_status_display()}
            }
        )


def _locked(notice: BreachNotice) -> BreachNotice:
    """Return the notice as stored, locked until the transaction ends.

    Callers may hold a copy a form has already changed, and two analysts may act at once:
    each change starts from the stored state.
    """
    return BreachNotice.objects.select_for_update().select_related("organisation").get(pk=notice.pk)


def _apply(notice: BreachNotice, data: Mapping[str, Any], now: dt.datetime) -> None:
    """Copy the editable fields from ``data`` onto ``notice`` and check them all."""
    for name in EDITABLE_FIELDS:
        if name in data:
            value = data[name]
            setattr(notice, name, value.strip() if isinstance(value, str) else value)
    submitted = notice.data_types
    notice.data_types = checks.normalised_data_types(submitted)
    errors = {
        **checks.check_times(notice, now),
        **checks.check_data_types(notice, submitted),
        **checks.normalise_contact(notice),
        **checks.check_affected_people_message(notice),
    }
    if notice.discovered_at is not None:
        notice.due_at = clock.due_at(notice.discovered_at)
    try:
        notice.full_clean(exclude=["reference", "organisation", "created_by", "filed_by", "due_at"])
    except ValidationError as error:
        errors = {
            field: " ".join(messages) for field, messages in error.message_dict.items()
        } | errors
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_draft(
    actor: User,
    organisation: Organisation,
    data: Mapping[str, Any],
    notice: BreachNotice | None = None,
) -> BreachNotice:
    """Create (``notice`` None) or update a draft of ``organisation`` from ``data``.

    ``data`` holds any of ``EDITABLE_FIELDS``. Returns the saved draft, which has its
    reference (``BN-<year>-<number>``) from the start.
    """
    _require_member(actor, organisation)
    now = timezone.now()
    creating = notice is None
    if notice is None:
        notice = BreachNotice(organisation=organisation, created_by=actor, created_at=now)
    else:
        notice = _locked(notice)
        _require_member(actor, notice.organisation)
    _require_status(notice, Status.DRAFT)
    before = None if creating else snapshot(notice)
    _apply(notice, data, now)
    notice.updated_at = now
    notice.save()
    if notice.reference is None:
        notice.reference = f"BN-{notice.created_at:%Y}-{notice.pk:06d}"
        notice.save(update_fields=["reference"])
    action = "breach_notice.create" if creating else "breach_notice.update"
    record_change(actor, action, notice, before, snapshot(notice))
    return notice


@transaction.atomic
def file_notice(actor: User, notice: BreachNotice, now: dt.datetime | None = None) -> BreachNotice:
    """File a draft with the authority; the clock stops at ``now``.

    Raises ``ValidationError`` on ``late_reason`` when filed after the deadline without a
    reason, and on ``status`` unless the notice is a draft.
    """
    notice = _locked(notice)
    _require_member(actor, notice.organisation)
    _require_status(notice, Status.DRAFT)
    now = now or timezone.now()
    before = snapshot(notice)
    _apply(notice, {}, now)
    errors = checks.check_late_reason(notice, now)
    if errors:
        raise ValidationError(errors)
    notice.status, notice.filed_at, notice.filed_by, notice.updated_at = (
        Status.FILED,
        now,
        actor,
        now,
    )
    notice.save()
    record_change(actor, "breach_notice.file", notice, before, snapshot(notice))
    return notice


@transaction.atomic
def save_and_file(
    actor: User,
    organisation: Organisation,
    data: Mapping[str, Any],
    notice: BreachNotice | None = None,
) -> BreachNotice:
    """``save_draft`` then ``file_notice`` as one change: both happen or neither."""
    return file_notice(actor, save_draft(actor, organisation, data, notice))


def _add_message(actor: User, notice: BreachNotice, kind: str, text: str) -> NoticeMessage | None:
    if not text.strip():
        return None
    return NoticeMessage.objects.create(
        notice=notice, kind=kind, author=actor, author_label=actor.get_username(), text=text.strip()
    )


def _move(actor: User, notice: BreachNotice, status: str, action: str, **fields: Any) -> None:
    before = snapshot(notice)
    notice.status = status
    notice.updated_at = timezone.now()
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.save()
    record_change(actor, action, notice, before, snapshot(notice))


def _acknowledgement(actor: User, notice: BreachNotice) -> dict[str, Any]:
    """The fields that mark a notice received, unless it already was."""
    if notice.acknowledged_at is not None:
        return {}
    return {"acknowledged_at": timezone.now(), "acknowledged_by": actor}


@transaction.atomic
def acknowledge(actor: User, notice: BreachNotice) -> BreachNotice:
    """An analyst confirms receipt of a filed notice."""
    _require_authority(actor)
    notice = _locked(notice)
    _require_status(notice, Status.FILED)
    _move(
        actor,
        notice,
        Status.ACKNOWLEDGED,
        "breach_notice.acknowledge",
        **_acknowledgement(actor, notice),
    )
    return notice


@transaction.atomic
def request_follow_up(actor: User, notice: BreachNotice, message: str) -> NoticeMessage:
    """An analyst asks the organisation for more; the request acknowledges receipt too.

    Raises ``ValidationError`` on ``message`` when it is empty.
    """
    _require_authority(actor)
    notice = _locked(notice)
    _require_status(notice, *OPEN_STATUSES)
    if not message.strip():
        raise ValidationError({"message": _("Say what the organisation should add or do.")})
    _move(
        actor,
        notice,
        Status.FOLLOW_UP,
        "breach_notice.request_follow_up",
        **_acknowledgement(actor, notice),
    )
    sent = _add_message(actor, notice, NoticeMessage.Kind.FOLLOW_UP, message)
    assert sent is not None
    return sent


@transaction.atomic
def answer_follow_up(actor: User, notice: BreachNotice, message: str) -> NoticeMessage:
    """The organisation answers a follow-up request; the notice returns to acknowledged."""
    notice = _locked(notice)
    _require_member(actor, notice.organisation)
    _require_status(notice, Status.FOLLOW_UP)
    if not message.strip():
        raise ValidationError({"message": _("Write your answer.")})
    _move(actor, notice, Status.ACKNOWLEDGED, "breach_notice.answer_follow_up")
    sent = _add_message(actor, notice, NoticeMessage.Kind.ANSWER, message)
    assert sent is not None
    return sent


@transaction.atomic
def close_notice(actor: User, notice: BreachNotice, note: str = "") -> BreachNotice:
    """An analyst closes a filed notice, with an optional closing note to the organisation."""
    _require_authority(actor)
    notice = _locked(notice)
    _require_status(notice, *OPEN_STATUSES)
    fields = _acknowledgement(actor, notice) | {"closed_at": timezone.now()}
    _move(actor, notice, Status.CLOSED, "breach_notice.close", **fields)
    _add_message(actor, notice, NoticeMessage.Kind.CLOSING, note)
    return notice
