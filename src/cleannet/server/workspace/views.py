"""``/workspace/``: one page per role, each showing only the signed-in user's own work.

ISP operators see their organisation's events and node counts, organisation members their
brands, alerts, breach notices and reports, authority staff the queues that wait for them.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.workspace.authority import authority_workspace
from cleannet.server.workspace.isp import OTHER, isp_workspace
from cleannet.server.workspace.member import member_workspace


@require_GET
@roles_required(*Role.values)
def index(request: HttpRequest) -> HttpResponse:
    """The workspace of the signed-in user's role (every role has one)."""
    user = cast(User, request.user)
    if user.role in AUTHORITY_ROLES:
        return render(request, "workspace/authority.html", {"work": authority_workspace(user)})
    if user.role == Role.ISP_OPERATOR:
        context: dict[str, Any] = {"work": isp_workspace(user), "other": OTHER}
        return render(request, "workspace/isp.html", context)
    return render(request, "workspace/member.html", {"work": member_workspace(user)})
