"""Who sees which campaign, and who may manage them.

Authority staff see every campaign; an ISP operator sees the campaigns its organisation takes
part in once launched (never a draft); anyone else sees no campaign in the workspace, only
``public_campaigns()`` on the public pages. Pages answer 404 for a campaign outside
``visible_campaigns(user)``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignStatus,
    Participant,
)

PUBLIC_STATUSES = (CampaignStatus.ACTIVE, CampaignStatus.FINISHED)
"""The statuses a public campaign is shown in on the public site."""


def _role(user: Any) -> str | None:
    """The role of a signed-in, active user; None for anybody else (anonymous included)."""
    if user is None or not (user.is_authenticated and user.is_active):
        return None
    return getattr(user, "role", None)


def can_manage(user: Any) -> bool:
    """Whether ``user`` is authority staff: creates and edits drafts, sees every campaign."""
    return _role(user) in AUTHORITY_ROLES


def can_launch(user: Any) -> bool:
    """Whether ``user`` may launch, finish and cancel campaigns (authority administrators)."""
    return _role(user) == Role.AUTHORITY_ADMIN


def visible_campaigns(user: Any) -> QuerySet[Campaign]:
    """The campaigns ``user`` may open in the workspace: all for authority staff, the launched
    ones its organisation takes part in for an ISP operator, none for anybody else."""
    role = _role(user)
    if role in AUTHORITY_ROLES:
        return Campaign.objects.all()
    if role == Role.ISP_OPERATOR:
        return Campaign.objects.exclude(status=CampaignStatus.DRAFT).filter(
            participants__organisation_id=user.organisation_id
        )
    return Campaign.objects.none()


def public_campaigns() -> QuerySet[Campaign]:
    """The campaigns the public site shows: public ones that are active or finished."""
    return Campaign.objects.filter(public=True, status__in=PUBLIC_STATUSES)


def participant_for(user: Any, campaign: Campaign) -> Participant | None:
    """The participation of ``user``'s organisation in a launched ``campaign`` if ``user`` is
    one of its ISP operators; None otherwise (the authority's staff included)."""
    if _role(user) != Role.ISP_OPERATOR or campaign.status == CampaignStatus.DRAFT:
        return None
    return (
        Participant.objects.select_related("campaign", "organisation")
        .filter(campaign=campaign, organisation_id=user.organisation_id)
        .first()
    )
