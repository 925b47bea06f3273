"""State changes for accounts; views, API, CLI, tasks and tests all call these."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import ApiToken, Organisation, User
from cleannet.server.accounts.roles import (
    AUTHORITY_ROLES,
    ROLE_ORGANISATION_KINDS,
    OrganisationKind,
    Role,
)
from cleannet.server.accounts.tokens import new_token, token_digest, token_prefix


@transaction.atomic
def create_organisation(
    actor: User | None, name: str, kind: str, slug: str = "", website: str = ""
) -> Organisation:
    """Create an organisation; raise ``ValidationError`` naming the bad field."""
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("%(kind)s is not a known kind.") % {"kind": kind}})
    org = Organisation(
        name=name.strip(), kind=kind, slug=slug or slugify(name)[:60], website=website
    )
    org.full_clean()
    org.save()
    record_change(actor, "organisation.create", org, after=snapshot(org))
    return org


def _check_role(role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise ValidationError({"role": _("%(role)s is not a known role.") % {"role": role}})
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise ValidationError(
            {
                "role": _("A %(role)s cannot belong to an organisation of kind %(kind)s.")
                % {"role": role, "kind": organisation.kind}
            }
        )


@transaction.atomic
def create_user(
    actor: User | None,
    username: str,
    email: str,
    password: str,
    role: str,
    organisation: Organisation,
) -> User:
    """Create a user with a role that fits the organisation; staff access follows the role."""
    _check_role(role, organisation)
    user = User(username=username, email=email, role=role, organisation=organisation)
    user.is_staff = role in AUTHORITY_ROLES
    user.is_superuser = role == Role.AUTHORITY_ADMIN
    user.set_password(password)
    user.full_clean()
    user.save()
    record_change(actor, "user.create", user, after=snapshot(user))
    return user


@transaction.atomic
def set_user_active(actor: User | None, user: User, active: bool) -> User:
    before = snapshot(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    record_change(
        actor, "user.activate" if active else "user.deactivate", user, before, snapshot(user)
    )
    return user


@dataclass(frozen=True)
class IssuedToken:
    """A new token; ``token`` is the only time the secret is visible."""

    record: ApiToken
    token: str


@transaction.atomic
def issue_api_token(
    actor: User | None, user: User, name: str, expires_in: dt.timedelta | None = None
) -> IssuedToken:
    """Create a token for ``user``; the plain token is returned once and never stored."""
    token = new_token()
    expires_at = timezone.now() + expires_in if expires_in else None
    record = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=token_prefix(token),
        digest=token_digest(token),
        expires_at=expires_at,
    )
    record_change(actor, "api_token.issue", record, after=snapshot(record))
    return IssuedToken(record=record, token=token)


@transaction.atomic
def revoke_api_token(actor: User | None, record: ApiToken) -> ApiToken:
    before = snapshot(record)
    record.revoked_at = timezone.now()
    record.save(update_fields=["revoked_at"])
    record_change(actor, "api_token.revoke", record, before, snapshot(record))
    return record


# How fresh ``ApiToken.last_used_at`` is kept: a write per API request would cost more than
# the request itself (on SQLite, a write transaction shared by every process).
TOKEN_USE_RESOLUTION = dt.timedelta(seconds=60)


def user_for_token(token: str) -> User | None:
    """Return the active user owning a usable ``token``, or None.

    Marks the token used: ``last_used_at`` is written when it is unset or older than
    ``TOKEN_USE_RESOLUTION`` (a minute), so it tells when the token was last used to the minute.
    """
    record = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    if record is None or not record.is_usable() or not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=now)
    return record.user


@transaction.atomic
def set_password(actor: User | None, user: User, password: str) -> User:
    """Set ``user``'s password; the audit entry records that it changed, never the password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    record_change(actor, "user.set_password", user)
    return user
