"""State changes of campaigns; pages, API, CLI, tasks and tests all call these.

The lifecycle: authority staff create and edit a *draft* (``create_campaign``,
``update_campaign``); an authority administrator launches it (``launch_campaign``: the
baselines are fixed once the campaign has started), finishes or cancels it; the ISPs invited
accept or decline (``respond_to_campaign``) and, once they accepted, record what they did
(``record_action``); ``finish_due_campaigns`` closes the campaigns past their end each day.

Every change runs in one transaction with its audit entry. Refused input raises
``ValidationError`` naming the field; the wrong person (role, or another ISP) raises
``PermissionDenied``. ``actor=None`` is the system itself (CLI, tasks, demo, simulation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.campaigns import measure, validation
from cleannet.server.campaigns.models import (
    ActionKind,
    Campaign,
    CampaignAction,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.campaigns.validation import (
    FamilyRef,
    OrganisationRef,
    action_errors,
    active_changes,
    clean_campaign,
    is_percent,
)

DRAFT_FIELDS = validation.DRAFT_FIELDS
ACTIVE_FIELDS = validation.ACTIVE_FIELDS
MAX_TEXT = validation.MAX_TEXT


def _today(now: dt.datetime | None) -> dt.date:
    return (now or timezone.now()).astimezone(dt.UTC).date()


def _require_role(actor: User | None, roles: Iterable[str]) -> None:
    if actor is not None and not actor.has_role(*roles):
        raise PermissionDenied(_("Your role may not do this to a campaign."))


def _require_operator_of(actor: User | None, participant: Participant) -> None:
    if actor is None:
        return
    if not (
        actor.has_role(Role.ISP_OPERATOR) and actor.organisation_id == participant.organisation_id
    ):
        raise PermissionDenied(_("Only the ISP's own operators may answer for it."))


def _lock(campaign: Campaign) -> None:
    """Lock the campaign's row for this transaction and reload it (status may have moved)."""
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk"))
    campaign.refresh_from_db()


def _require_status(campaign: Campaign, *allowed: str) -> None:
    if campaign.status not in allowed:
        raise ValidationError(
            {
                "status": _("Not possible for a campaign that is %(status)s.")
                % {"status": campaign.get_status_display().lower()}
            }
        )


def campaign_snapshot(campaign: Campaign) -> dict[str, Any]:
    """The campaign's fields for the audit log, with its families and participants' slugs."""
    data = snapshot(campaign)
    data["families"] = sorted(campaign.families.values_list("slug", flat=True))
    data["participants"] = sorted(
        campaign.participants.values_list("organisation__slug", flat=True)
    )
    return data


@transaction.atomic
def create_campaign(
    actor: User | None,
    *,
    name: str,
    slug: str,
    starts_on: dt.date,
    ends_on: dt.date,
    families: Iterable[FamilyRef],
    classification_types: Iterable[str],
    participants: Iterable[OrganisationRef],
    goal_reduction: int = 50,
    baseline_days: int = 7,
    summary_vi: str = "",
    summary_en: str = "",
    public: bool = True,
) -> Campaign:
    """Create a draft campaign inviting ``participants`` (ISP organisations or their slugs).

    ``families`` are MalwareFamily objects or slugs; ``classification_types`` RSIT type
    names (legacy spellings are mapped). Raises ``PermissionDenied`` unless the actor is
    authority staff; ``ValidationError`` naming ``name``, ``slug``, ``starts_on``,
    ``ends_on``, ``families``, ``classification_types``, ``participants``,
    ``goal_reduction`` or ``baseline_days``.
    """
    _require_role(actor, AUTHORITY_ROLES)
    campaign = Campaign(created_by=actor)
    values = {
        "name": name,
        "slug": slug,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "classification_types": classification_types,
        "goal_reduction": goal_reduction,
        "baseline_days": baseline_days,
        "summary_vi": summary_vi,
        "summary_en": summary_en,
        "public": public,
    }
    cleaned = clean_campaign(campaign, values, families, participants)
    campaign.save()
    campaign.families.set(cleaned.families)
    Participant.objects.bulk_create(
        Participant(campaign=campaign, organisation=org) for org in cleaned.organisations
    )
    record_change(actor, "campaign.create", campaign, after=campaign_snapshot(campaign))
    return campaign


@transaction.atomic
def update_campaign(actor: User | None, campaign: Campaign, **fields: Any) -> Campaign:
    """Change ``fields`` (keywords of ``create_campaign``) of a draft, or of an active
    campaign its summaries, ``public`` and a later ``ends_on``; a value equal to the current
    one is no change. Raises ``TypeError`` on an unknown keyword, ``PermissionDenied`` for a
    role that may not edit (authority staff a draft, an authority administrator an active
    campaign) and ``ValidationError`` naming the field refused."""
    unknown = set(fields) - DRAFT_FIELDS
    if unknown:
        raise TypeError(f"update_campaign() got unknown fields {sorted(unknown)}")
    _require_role(actor, AUTHORITY_ROLES)
    _lock(campaign)
    if campaign.status == CampaignStatus.ACTIVE:
        _require_role(actor, {Role.AUTHORITY_ADMIN})
        fields = active_changes(campaign, fields)
    else:
        _require_status(campaign, CampaignStatus.DRAFT)
    before = campaign_snapshot(campaign)
    families = fields.pop("families", None)
    organisations = fields.pop("participants", None)
    try:
        cleaned = clean_campaign(campaign, fields, families, organisations)
    except ValidationError:
        campaign.refresh_from_db()  # the caller's object keeps no refused value
        raise
    campaign.save()
    if families is not None:
        campaign.families.set(cleaned.families)
    if organisations is not None:
        _replace_participants(campaign, cleaned.organisations)
    record_change(actor, "campaign.edit", campaign, before, campaign_snapshot(campaign))
    return campaign


def _replace_participants(campaign: Campaign, organisations: list[Organisation]) -> None:
    wanted = {org.pk for org in organisations}
    campaign.participants.exclude(organisation_id__in=wanted).delete()
    present = set(campaign.participants.values_list("organisation_id", flat=True))
    Participant.objects.bulk_create(
        Participant(campaign=campaign, organisation=org)
        for org in organisations
        if org.pk not in present
    )


@transaction.atomic
def launch_campaign(
    actor: User | None, campaign: Campaign, now: dt.datetime | None = None
) -> Campaign:
    """Make a draft active and invite its ISPs; fix the baselines at once when the campaign
    has already started (``measure.fix_baselines``; later the daily measurement does).

    Raises ``PermissionDenied`` unless the actor is an authority administrator,
    ``ValidationError`` on ``status`` (not a draft) or ``ends_on`` (already over)."""
    _require_role(actor, {Role.AUTHORITY_ADMIN})
    _lock(campaign)
    _require_status(campaign, CampaignStatus.DRAFT)
    now = now or timezone.now()
    today = _today(now)
    if campaign.ends_on < today:
        raise ValidationError({"ends_on": _("The campaign has already ended.")})
    before = campaign_snapshot(campaign)
    campaign.status = CampaignStatus.ACTIVE
    campaign.launched_at = now
    campaign.save(update_fields=["status", "launched_at"])
    record_change(actor, "campaign.launch", campaign, before, campaign_snapshot(campaign))
    if campaign.starts_on <= today:
        measure.fix_baselines(campaign, now=now)
    return campaign


@transaction.atomic
def finish_campaign(
    actor: User | None, campaign: Campaign, now: dt.datetime | None = None
) -> Campaign:
    """Close an active campaign as finished (also before its end day).

    Raises ``PermissionDenied`` unless the actor is an authority administrator,
    ``ValidationError`` on ``status`` if the campaign is not active."""
    return _close(actor, campaign, CampaignStatus.FINISHED, now, reason="")


@transaction.atomic
def cancel_campaign(
    actor: User | None, campaign: Campaign, reason: str, now: dt.datetime | None = None
) -> Campaign:
    """Cancel a draft or active campaign; the reason is kept in the audit log.

    Raises ``PermissionDenied`` unless the actor is an authority administrator,
    ``ValidationError`` on ``reason`` (empty) or ``status`` (finished or cancelled)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the campaign is cancelled.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    return _close(actor, campaign, CampaignStatus.CANCELLED, now, reason=reason)


def _close(
    actor: User | None, campaign: Campaign, status: str, now: dt.datetime | None, reason: str
) -> Campaign:
    _require_role(actor, {Role.AUTHORITY_ADMIN})
    _lock(campaign)
    if status == CampaignStatus.CANCELLED:
        _require_status(campaign, CampaignStatus.DRAFT, CampaignStatus.ACTIVE)
    else:
        _require_status(campaign, CampaignStatus.ACTIVE)
    before = campaign_snapshot(campaign)
    campaign.status = status
    campaign.closed_at = now or timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    after = campaign_snapshot(campaign) | ({"reason": reason} if reason else {})
    verb = "cancel" if status == CampaignStatus.CANCELLED else "finish"
    record_change(actor, f"campaign.{verb}", campaign, before, after)
    return campaign


def finish_due_campaigns(today: dt.date | None = None) -> int:
    """Finish (as the system) every active campaign whose ``ends_on`` is before ``today``
    (UTC, default now); return how many were finished."""
    today = today or _today(None)
    now = timezone.now() if today == _today(None) else dt.datetime.combine(today, dt.time(), dt.UTC)
    finished = 0
    for campaign in Campaign.objects.filter(status=CampaignStatus.ACTIVE, ends_on__lt=today):
        try:
            finish_campaign(None, campaign, now=now)
        except ValidationError:  # closed meanwhile by someone else
            continue
        finished += 1
    return finished


@transaction.atomic
def respond_to_campaign(
    actor: User | None,
    participant: Participant,
    *,
    accept: bool,
    note: str = "",
    goal_reduction: int | None = None,
) -> Participant:
    """Record the ISP's answer to an active campaign (it may change its mind while the
    campaign runs); on accepting, ``goal_reduction`` is its own goal (None: the campaign's).

    Raises ``PermissionDenied`` unless the actor is an ISP operator of the participant,
    ``ValidationError`` on ``status`` (campaign not active), ``goal_reduction`` or ``note``."""
    _require_operator_of(actor, participant)
    _lock(participant.campaign)
    _require_status(participant.campaign, CampaignStatus.ACTIVE)
    if goal_reduction is not None and not is_percent(goal_reduction):
        raise ValidationError({"goal_reduction": _("Give a whole number from 1 to 100.")})
    if len(note) > MAX_TEXT:
        raise ValidationError({"note": _("Keep the note under 2000 characters.")})
    before = snapshot(participant)
    participant.status = ParticipantStatus.ACCEPTED if accept else ParticipantStatus.DECLINED
    if accept:
        participant.goal_reduction = goal_reduction
    participant.note = note.strip()
    participant.responded_at = timezone.now()
    participant.responded_by = actor
    participant.save()
    verb = "accept" if accept else "decline"
    record_change(actor, f"participant.{verb}", participant, before, snapshot(participant))
    return participant


@transaction.atomic
def record_action(
    actor: User | None,
    participant: Participant,
    *,
    kind: str,
    taken_on: dt.date,
    count: int | None = None,
    description: str = "",
) -> CampaignAction:
    """Record what an ISP that accepted an active campaign did on ``taken_on``.

    Raises ``PermissionDenied`` unless the actor is an ISP operator of the participant,
    ``ValidationError`` on ``status`` (campaign not active, or not accepted), ``kind``,
    ``taken_on`` (outside the campaign or in the future), ``count`` or ``description``."""
    _require_operator_of(actor, participant)
    campaign = participant.campaign
    _lock(campaign)
    _require_status(campaign, CampaignStatus.ACTIVE)
    participant.refresh_from_db(fields=["status"])
    if participant.status != ParticipantStatus.ACCEPTED:
        raise ValidationError({"status": _("Accept the campaign before recording actions.")})
    errors = action_errors(campaign, kind, taken_on, count, description, _today(None))
    if errors:
        raise ValidationError(errors)
    action = CampaignAction.objects.create(
        participant=participant,
        kind=ActionKind(kind),
        taken_on=taken_on,
        count=count,
        description=description.strip(),
        recorded_by=actor,
    )
    record_change(actor, "campaign_action.add", action, after=snapshot(action))
    return action
