"""Public pages: the malware encyclopedia (``/malware/``) and alerts and news (``/alerts/``).

Every page is public and read-only; an unknown family or advisory answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.encyclopedia import services
from cleannet.server.encyclopedia.sightings import family_sightings, sparkline

ADVISORIES_PER_PAGE = 50
SEVERITY_ADVICE = {
    "severe": gettext_lazy(
        "Act now: disconnect the affected device from the network and clean it."
    ),
    "high": gettext_lazy("Clean the affected device as soon as possible and change its passwords."),
    "medium": gettext_lazy("Scan the device and remove the malware at your next opportunity."),
    "low": gettext_lazy("Usually a nuisance; remove it and keep your software up to date."),
}


@require_GET
@roles_required(PUBLIC)
def family_list(request: HttpRequest) -> HttpResponse:
    """The encyclopedia's list, searchable by name or alias, filtered by platform."""
    query = request.GET.get("q", "")[:100]
    platform = request.GET.get("platform", "")[:40]
    context = {
        "pages": services.encyclopedia_pages(query, platform),
        "platforms": services.known_platforms(),
        "query": query,
        "platform": platform,
    }
    return render(request, "encyclopedia/family_list.html", context)


@require_GET
@roles_required(PUBLIC)
def family_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One family's page: what it is, how to spot and remove it, what the platform sees."""
    found = services.family_page(slug)
    if found is None:
        raise Http404
    page, family = found
    seen = family_sightings(family)
    advisories = services.published_advisories().filter(families=family)[:5] if family else []
    context = {
        "page": page,
        "seen": seen,
        "sparkline": sparkline(seen.daily, _("Events per day over the last 90 days")),
        "advice": str(SEVERITY_ADVICE.get(page.severity, "")),
        "advisories": advisories,
    }
    return render(request, "encyclopedia/family_detail.html", context)


@require_GET
@roles_required(PUBLIC)
def advisory_list(request: HttpRequest) -> HttpResponse:
    """Alerts and news, newest first."""
    advisories = services.published_advisories()[:ADVISORIES_PER_PAGE]
    return render(request, "encyclopedia/advisory_list.html", {"advisories": advisories})


@require_GET
@roles_required(PUBLIC)
def advisory_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published advisory (a scheduled one answers 404 until its time)."""
    advisory = get_object_or_404(services.published_advisories(), pk=pk)
    return render(request, "encyclopedia/advisory_detail.html", {"advisory": advisory})
