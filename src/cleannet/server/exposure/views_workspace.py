"""``/workspace/exposure/``: what our scans found, for the people who can fix it.

Organisation members and ISP operators see their own organisation's findings; authority staff
see every finding, the scopes (``views_scans``) and the log of runs. Open findings come first;
``?state=open|fixed|all`` filters. Another organisation's finding answers 404.
"""

from __future__ import annotations

from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cleannet.engines.exposure.model import SEVERITIES
from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.exposure.models import ExposureFinding
from cleannet.server.exposure.services import visible_findings

STAFF = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
EVERYONE = (*STAFF, Role.ISP_OPERATOR, Role.ORG_MEMBER)
STATES = ("open", "fixed", "all")
PAGE_SIZE = 50


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def page_of(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    """The ``?page=`` page of ``rows`` (the last one for a number past the end)."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def _severity_rank() -> Case:
    """Critical first: a rank that sorts ascending from the worst severity."""
    worst_first = reversed(SEVERITIES)
    whens = [When(severity=name, then=Value(rank)) for rank, name in enumerate(worst_first)]
    return Case(*whens, default=Value(len(SEVERITIES)), output_field=IntegerField())


def findings_in_state(user: User, state: str) -> QuerySet[ExposureFinding]:
    """``user``'s visible findings in ``state`` (open, fixed or all): open first, then the worst
    severity, then the latest seen."""
    found = visible_findings(user)
    if state == "open":
        found = found.filter(fixed_at__isnull=True)
    elif state == "fixed":
        found = found.filter(fixed_at__isnull=False)
    is_fixed = Case(
        When(fixed_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    ordered = found.annotate(is_fixed=is_fixed, severity_rank=_severity_rank())
    return ordered.order_by("is_fixed", "severity_rank", "-last_seen", "ip", "port")


def counts(user: User) -> dict[str, int]:
    """How many of ``user``'s visible findings are open and fixed."""
    found = visible_findings(user)
    open_count = found.filter(fixed_at__isnull=True).count()
    return {"open": open_count, "fixed": found.count() - open_count}


@require_GET
@roles_required(*EVERYONE)
def finding_list(request: HttpRequest) -> HttpResponse:
    """The findings the user may see, open first; ``?state=`` open (default), fixed or all."""
    user = current_user(request)
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    context = {
        "page": page_of(request, findings_in_state(user, state)),
        "state": state,
        "counts": counts(user),
        "is_staff": user.role in AUTHORITY_ROLES,
    }
    return render(request, "exposure/workspace_findings.html", context)


@require_GET
@roles_required(*EVERYONE)
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One finding with its banner, details and event; another organisation's answers 404."""
    user = current_user(request)
    finding = get_object_or_404(visible_findings(user), pk=pk)
    details = sorted((str(key), value) for key, value in finding.details.items())
    context = {
        "finding": finding,
        "details": details,
        "is_staff": user.role in AUTHORITY_ROLES,
    }
    return render(request, "exposure/workspace_finding.html", context)
