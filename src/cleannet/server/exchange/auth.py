"""Who is calling the exchange endpoints, and whether their role may.

Credentials, in the order they are tried:

- ``Authorization: Bearer cn_…`` (as the JSON API) or ``Token cn_…`` (what
  ``taxii2client.common.TokenAuth`` sends);
- ``Authorization: Basic`` with an API token as the password (TAXII clients such as
  OpenCTI's and MISP's often offer only user name and password). The user name is not
  checked: the token names its user. Account passwords are never accepted here, so a
  leaked client configuration gives away a token that can be revoked, not a login;
- a signed-in browser session (these endpoints only read, so there is no CSRF to guard).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.views.decorators.csrf import csrf_exempt

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.accounts.services import user_for_token

View = Callable[..., HttpResponseBase]
Refuse = Callable[[HttpRequest, int, str], HttpResponse]
"""Builds the answer to a refused request: (request, 401 or 403, reason)."""

CHALLENGE = 'Bearer realm="CleanNet", Basic realm="CleanNet"'


class NotAuthenticated(Exception):
    """Credentials were sent but are not usable (unknown, expired or revoked token)."""


def _token(header: str) -> str | None:
    """Return the API token an ``Authorization`` header carries, or None if it carries none."""
    scheme, _, value = header.partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme in ("bearer", "token") and value:
        return value
    if scheme == "basic" and value:
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise NotAuthenticated("The Basic credentials are not valid base64.") from None
        return decoded.partition(":")[2] or None
    return None


def caller(request: HttpRequest) -> User | None:
    """Return the user behind ``request``'s credentials, or None if it carries none.

    Raises ``NotAuthenticated`` for a token that is unknown, expired or revoked.
    """
    token = _token(request.headers.get("Authorization", ""))
    if token is not None:
        user = user_for_token(token)
        if user is None:
            raise NotAuthenticated("The API token is unknown, expired or revoked.")
        return user
    session_user = request.user
    if isinstance(session_user, User) and session_user.is_active:
        return session_user
    return None


def exchange_roles(*roles: str, refuse: Refuse) -> Callable[[View], View]:
    """Admit only callers whose role is one of ``roles``; the view gets ``request.user`` set.

    No or unusable credentials give 401 with a ``WWW-Authenticate`` challenge, a role not
    named gives 403; ``refuse`` writes those answers in the endpoint's own format. The
    wrapped view carries ``allowed_roles`` like pages decorated with ``roles_required``.
    """
    unknown = set(roles) - set(Role.values)
    if not roles or unknown:
        raise ValueError(f"exchange_roles needs known roles, got {sorted(roles)}")
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                user = caller(request)
            except NotAuthenticated as refusal:
                return _challenge(refuse(request, 401, str(refusal)))
            if user is None:
                return _challenge(refuse(request, 401, "Credentials are required."))
            if user.role not in allowed:
                return refuse(request, 403, "Your role may not use this endpoint.")
            request.user = user
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return csrf_exempt(wrapper)

    return decorate


def _challenge(response: HttpResponse) -> HttpResponse:
    response["WWW-Authenticate"] = CHALLENGE
    return response


ALL_ROLES = tuple(Role.values)
