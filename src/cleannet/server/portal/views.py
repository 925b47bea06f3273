"""Public pages of the portal."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.portal.health import health_report


@require_GET
@roles_required(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"stats": None})


@require_GET
@roles_required(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)
