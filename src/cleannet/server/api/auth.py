"""Authentication and role checks for the JSON API.

Every operation is declared with ``auth=roles(...)``: a bearer token (``Authorization:
Bearer cn_…``) or a signed-in browser session (CSRF-checked) identifies the user, and the
user's role must be one of those named. No credentials gives 401; the wrong role gives 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security.base import AuthBase
from ninja.utils import check_csrf

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.accounts.services import user_for_token


def _check_role(user: User, allowed: frozenset[str]) -> User:
    if user.role not in allowed:
        raise HttpError(403, "Your role may not use this endpoint.")
    return user


class BearerTokenAuth(AuthBase):
    openapi_type = "http"
    openapi_scheme = "bearer"

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        user = user_for_token(token.strip())
        if user is None:
            raise HttpError(401, "The API token is unknown, expired or revoked.")
        request.user = user
        return _check_role(user, self.allowed)


class SessionRoleAuth(AuthBase):
    openapi_type = "apiKey"
    openapi_in = "cookie"
    openapi_name = "sessionid"

    def __init__(self, allowed: frozenset[str]) -> None:
        self.allowed = allowed
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        user = request.user
        if not (user.is_authenticated and user.is_active):
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, "CSRF check failed.")
        return _check_role(user, self.allowed)


def roles(*allowed: str) -> list[AuthBase]:
    """Return the auth list for an operation admitting only ``allowed`` roles."""
    unknown = set(allowed) - set(Role.values)
    if not allowed or unknown:
        raise ValueError(f"roles() needs known roles, got {sorted(allowed)}")
    chosen = frozenset(allowed)
    return [BearerTokenAuth(chosen), SessionRoleAuth(chosen)]


ANY_ROLE = tuple(Role.values)
