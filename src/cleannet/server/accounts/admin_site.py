"""The back office: only authority staff get in, and each model says which roles may edit it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role


def _role(request: HttpRequest) -> str | None:
    user = request.user
    if not (user.is_authenticated and user.is_active):
        return None
    return getattr(user, "role", None)


class CleanNetAdminSite(admin.AdminSite):
    site_header = _("CleanNet back office")
    site_title = _("CleanNet")
    index_title = _("Analyst back office")

    def has_permission(self, request: HttpRequest) -> bool:
        return _role(request) in AUTHORITY_ROLES


class RoleAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose rights come from roles: ``view_roles`` read, ``edit_roles`` write."""

    view_roles: frozenset[str] = frozenset(AUTHORITY_ROLES)
    edit_roles: frozenset[str] = frozenset({Role.AUTHORITY_ADMIN})

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _role(request) in self.view_roles

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _role(request) in self.view_roles

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return _role(request) in self.edit_roles

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _role(request) in self.edit_roles

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _role(request) in self.edit_roles


class ReadOnlyAdmin(RoleAdmin):
    """For records that only service functions write (audit log, feed runs)."""

    edit_roles = frozenset()


admin_site = CleanNetAdminSite(name="admin")
