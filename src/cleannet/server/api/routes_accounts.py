"""``/api/v1/me`` and token management for the signed-in user."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema, Status

from cleannet.server.accounts.models import User
from cleannet.server.accounts.services import issue_api_token
from cleannet.server.api.auth import ANY_ROLE, roles

router = Router(tags=["accounts"])


class MeOut(Schema):
    username: str
    email: str
    role: str
    organisation: str
    organisation_kind: str


class TokenIn(Schema):
    name: str
    expires_in_days: int | None = 90


class TokenOut(Schema):
    name: str
    prefix: str
    token: str
    expires_at: dt.datetime | None


@router.get("/me", response=MeOut, auth=roles(*ANY_ROLE))
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    return MeOut(
        username=user.username,
        email=user.email,
        role=user.role,
        organisation=user.organisation.name,
        organisation_kind=user.organisation.kind,
    )


@router.post("/tokens", response={201: TokenOut}, auth=roles(*ANY_ROLE))
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenOut]:
    """Issue a new API token for yourself; the token is shown in this answer only."""
    user: User = request.auth  # type: ignore[attr-defined]
    days = payload.expires_in_days
    if days is not None and not 1 <= days <= 366:
        raise ValidationError({"expires_in_days": "must be between 1 and 366, or null"})
    expires = dt.timedelta(days=days) if days else None
    issued = issue_api_token(user, user, payload.name.strip() or "api", expires)
    return Status(
        201,
        TokenOut(
            name=issued.record.name,
            prefix=issued.record.prefix,
            token=issued.token,
            expires_at=issued.record.expires_at,
        ),
    )
