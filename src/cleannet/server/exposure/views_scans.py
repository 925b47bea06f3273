"""The authority's side of ``/workspace/exposure/``: scopes, the log of runs, starting a scan.

Authority staff (administrators and analysts) see the scopes and every run; only an
administrator may start a scan. A started scan goes to the worker (``tasks.run_scope_task``);
when the task queue runs tasks in the request itself (``HUEY.immediate``: the demo, the
tests) the scan runs here, recorded under the administrator, and a scope wider than
``SYNC_ADDRESS_CAP`` addresses is refused so that no page waits on a long scan.
"""

from __future__ import annotations

import ipaddress

from django.contrib import messages
from django.db.models import Max, OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from huey.contrib.djhuey import HUEY

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.roles import Role
from cleannet.server.exposure import services, tasks
from cleannet.server.exposure.models import ScanRun, ScanScope
from cleannet.server.exposure.views_workspace import STAFF, current_user, page_of

SYNC_ADDRESS_CAP = 16
"""The most addresses a scan started from a page may cover when it runs in the request."""


def scopes_with_last_run() -> QuerySet[ScanScope]:
    """Every scope with its owner, the start of its latest run and that run's status."""
    latest = ScanRun.objects.filter(scope=OuterRef("pk")).order_by("-started_at", "-pk")
    return (
        ScanScope.objects.select_related("owner", "approved_by")
        .annotate(
            last_run_at=Max("runs__started_at"),
            last_run_status=Subquery(latest.values("status")[:1]),
        )
        .order_by("name")
    )


def address_count(scope: ScanScope) -> int:
    """How many addresses a scan of ``scope`` covers at most (each host name counts one)."""
    networks = sum(ipaddress.ip_network(net, strict=False).num_addresses for net in scope.networks)
    return networks + len(scope.hostnames)


@require_GET
@roles_required(*STAFF)
def scope_list(request: HttpRequest) -> HttpResponse:
    """The scopes: owner, networks, approval and until when, schedule, the latest run."""
    user = current_user(request)
    context = {
        "scopes": scopes_with_last_run(),
        "can_start": user.role == Role.AUTHORITY_ADMIN,
    }
    return render(request, "exposure/workspace_scopes.html", context)


@require_GET
@roles_required(*STAFF)
def run_list(request: HttpRequest) -> HttpResponse:
    """Every run, latest first: who started it (or the schedule), when, status and counts."""
    runs = ScanRun.objects.select_related("scope", "started_by").order_by("-started_at", "-pk")
    return render(request, "exposure/workspace_runs.html", {"page": page_of(request, runs)})


@require_POST
@roles_required(Role.AUTHORITY_ADMIN)
def start_scan(request: HttpRequest, name: str) -> HttpResponse:
    """Scan the scope ``name`` in the worker (or here, when tasks run in the request and the
    scope is small), then show the log of runs."""
    scope = get_object_or_404(ScanScope, name=name)
    if not HUEY.immediate:
        tasks.run_scope_task(scope.pk, started_by_id=request.user.pk)
        messages.success(request, _("The scan of %(scope)s was queued.") % {"scope": scope.name})
        return redirect("exposure:runs")
    if address_count(scope) > SYNC_ADDRESS_CAP:
        message = _(
            "This scope covers more than %(cap)s addresses: run it with the worker or with "
            "“cleannet exposure scan”."
        )
        messages.error(request, message % {"cap": SYNC_ADDRESS_CAP})
        return redirect("exposure:scopes")
    run = services.run_scan(current_user(request), scope)
    done = _("The scan of %(scope)s: %(status)s, %(open)s open ports, %(findings)s findings.")
    values = {"scope": scope.name, "status": run.get_status_display(), "open": run.open_ports,
              "findings": run.findings}  # fmt: skip
    messages.success(request, done % values)
    return redirect("exposure:runs")
