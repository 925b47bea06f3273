"""Who sees which notices: an organisation its own, the authority every filed one.

A draft is the organisation's own until it is filed (it is not yet a notification), so
the authority never sees drafts. Another organisation's notice answers 404, not 403.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.breachnotices.models import BreachNotice, Status


def visible_notices(user: User) -> QuerySet[BreachNotice]:
    """Return the notices ``user`` may read (none for other roles)."""
    notices = BreachNotice.objects.select_related("organisation")
    if user.has_role(*AUTHORITY_ROLES):
        return notices.exclude(status=Status.DRAFT)
    if user.has_role(Role.ORG_MEMBER):
        return notices.filter(organisation_id=user.organisation_id)
    return notices.none()


def notice_for(user: User, pk: int) -> BreachNotice:
    """Return notice ``pk`` if ``user`` may read it; raise ``Http404`` otherwise."""
    try:
        return visible_notices(user).get(pk=pk)
    except BreachNotice.DoesNotExist:
        raise Http404 from None
