"""Public pages of the portal."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.encyclopedia.services import current_warnings
from cleannet.server.intel.statistics import NationalPicture, national_picture
from cleannet.server.portal.charts import column_chart, share_bars
from cleannet.server.portal.health import health_report

PICTURE_CACHE_SECONDS = 300


def _picture() -> NationalPicture:
    # The home page is the most visited page; the aggregate changes slowly.
    picture: NationalPicture | None = cache.get("portal:national-picture")
    if picture is None:
        picture = national_picture(days=90)
        cache.set("portal:national-picture", picture, PICTURE_CACHE_SECONDS)
    return picture


def _home_context() -> dict[str, Any]:
    picture = _picture()
    daily = [(date_format(point.day, "SHORT_DATE_FORMAT"), point.count) for point in picture.daily]
    return {
        "picture": picture,
        "daily_chart": column_chart(daily, label=_("Infected devices reported per day")),
        "family_bars": share_bars([(f.name, f.count) for f in picture.top_families]),
        # Not cached with the picture: a new warning must show as soon as it is published.
        "warnings": current_warnings(),
    }


@require_GET
@roles_required(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", _home_context())


@require_GET
@roles_required(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)
