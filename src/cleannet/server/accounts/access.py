"""Role checks for pages. Every view states the roles it admits; nothing is open by default."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from cleannet.server.accounts.roles import Role

View = Callable[..., HttpResponse]
PUBLIC = "public"


def user_has_role(request: HttpRequest, roles: frozenset[str]) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", None) in roles)


def roles_required(*roles: str) -> Callable[[View], View]:
    """Admit only signed-in users with one of ``roles``; others are sent to log in or get 403.

    ``roles_required(PUBLIC)`` marks a page that anybody may see, so that every view
    carries an explicit decision.
    """
    unknown = set(roles) - set(Role.values) - {PUBLIC}
    if not roles or unknown:
        raise ValueError(f"roles_required needs known roles, got {sorted(roles)}")
    allowed = frozenset(roles)

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if PUBLIC in allowed or user_has_role(request, allowed):
                return view(request, *args, **kwargs)
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied

        wrapper.allowed_roles = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorate
