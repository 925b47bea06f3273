"""Public pages of the portal."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import get_language
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


@lru_cache(maxsize=1024)
def _short_date(day: dt.date, language: str) -> str:
    # Formatting a date costs ~15 µs and the chart has one a day: each is formatted once.
    return date_format(day, "SHORT_DATE_FORMAT")


def _home_context() -> dict[str, Any]:
    picture = _picture()
    language = get_language()
    daily = [(_short_date(point.day, language), point.count) for point in picture.daily]
    return {
        "picture": picture,
        "daily_chart": column_chart(daily, label=_("Infected devices reported per day")),
        "family_bars": share_bars([(f.name, f.count) for f in picture.top_families]),
        # Not cached with the picture: a new warning must show as soon as it is published.
        "warnings": current_warnings(),
    }


def home_page_seconds() -> int:
    """How long the home page rendered for anonymous visitors is kept (0: not kept)."""
    return int(settings.CLEANNET_HOME_PAGE_CACHE_SECONDS)


def _home_page_key(language: str) -> str:
    return f"portal:home-page:{language}"


def forget_home_pages(**_signal: Any) -> None:
    """Drop this process's rendered home pages (every language): an advisory changed.

    Connected to the advisories' saves and deletes; with the default per-process cache, the
    other processes keep theirs for at most ``home_page_seconds()``.
    """
    cache.delete_many([_home_page_key(code) for code, _name in settings.LANGUAGES])


@require_GET
@roles_required(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    """The home page. Anonymous visitors of ``/`` (no query) share one rendering per language,
    kept ``home_page_seconds()``: the page then holds nothing personal (no form, no token);
    a signed-in user always gets a live page (the menu and account area are theirs)."""
    seconds = home_page_seconds()
    if request.user.is_authenticated or request.GET or seconds <= 0:
        return render(request, "portal/home.html", _home_context())
    key = _home_page_key(get_language())
    body: bytes | None = cache.get(key)
    if body is None:
        response = render(request, "portal/home.html", _home_context())
        cache.set(key, response.content, seconds)
        return response
    # The same headers as the live page: CookieLocaleMiddleware adds Content-Language and
    # Vary: Cookie, the session middleware (the user was looked at) Vary: Cookie too.
    return HttpResponse(body, content_type="text/html; charset=utf-8")


@require_GET
@roles_required(PUBLIC)
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness for load balancers: 200 when the database answers, 503 otherwise."""
    report = health_report()
    return JsonResponse(report, status=200 if report["database"] == "ok" else 503)
