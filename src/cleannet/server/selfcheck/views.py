"""Public self-check pages: "Is my IP infected?", the free tools and the statistics.

Every view is public (``roles_required(PUBLIC)``); the one extra power, checking another
address, is decided inside ``check_ip`` for authority staff only.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required, user_has_role
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.selfcheck import charts, downloads
from cleannet.server.selfcheck.clientip import Address, client_address
from cleannet.server.selfcheck.forms import AddressForm
from cleannet.server.selfcheck.ipcheck import WINDOW_DAYS, cache_seconds, check_address
from cleannet.server.selfcheck.labels import type_label
from cleannet.server.selfcheck.series import (
    OTHER,
    Series,
    statistics,
    statistics_cache_seconds,
)

ENCYCLOPEDIA_PAGE = "/malware/{slug}/"


def _sightings(result: Any) -> list[dict[str, Any]]:
    return [
        {
            "family": sighting.family_name or _("Unknown malware"),
            "page": ENCYCLOPEDIA_PAGE.format(slug=sighting.family_slug)
            if sighting.family_slug
            else "",
            "type": type_label(sighting.classification_type),
            "first_seen": sighting.first_seen,
            "last_seen": sighting.last_seen,
        }
        for sighting in result.sightings
    ]


def _answer(request: HttpRequest, address: Address | None, own: bool) -> SafeString:
    """Render the answer for ``address``; the rendering is cached as long as the answer, since
    most visitors reload the same address and the page must stay cheap."""
    shown = address.compressed if address is not None else "-"
    key = f"selfcheck:ip-html:{get_language()}:{int(own)}:{WINDOW_DAYS}:{shown}"
    html: str | None = cache.get(key)
    if html is None:
        result = check_address(address) if address is not None else None
        context = {
            "own": own,
            "result": result,
            "sightings": _sightings(result) if result else [],
        }
        html = render_to_string("selfcheck/check_ip_answer.html", context, request)
        cache.set(key, html, cache_seconds())
    return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


@require_GET
@roles_required(PUBLIC)
def check_ip(request: HttpRequest) -> HttpResponse:
    """The visitor's own address against recent events; authority staff may give another."""
    form = AddressForm(request.GET or None) if user_has_role(request, AUTHORITY_ROLES) else None
    address, own = client_address(request), True
    if form is not None and form.is_valid() and form.cleaned_data["address"] is not None:
        address, own = form.cleaned_data["address"], False
    context = {"form": form, "answer": _answer(request, address, own), "days": WINDOW_DAYS}
    status = 400 if form is not None and form.is_bound and not form.is_valid() else 200
    response = render(request, "selfcheck/check_ip.html", context, status=status)
    add_never_cache_headers(response)  # the answer is about this visitor only
    return response


@require_GET
@roles_required(PUBLIC)
def tools(request: HttpRequest) -> HttpResponse:
    """The free tools: the scanner's downloads with checksums, guides and the online checks."""
    files = downloads.list_downloads()
    wheel = next((item for item in files if item.is_wheel), None)
    return render(request, "selfcheck/tools.html", {"downloads": files, "wheel": wheel})


@require_GET
@roles_required(PUBLIC)  # type: ignore[arg-type]  # View says HttpResponse; a file streams
def download(request: HttpRequest, name: str) -> FileResponse:
    """Serve one published file as an attachment; any other name is 404."""
    path = downloads.find_download(name)
    if path is None:
        raise Http404(_("No such download."))
    response = FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _chart(series: Series, title: str, stacked: bool = True) -> dict[str, Any]:
    names = [name if name != OTHER else _("Other") for name in series.names]
    if series.names == ("received", "handled"):
        names = [_("Reports received"), _("Reports handled")]
    labels = [date_format(day, "SHORT_DATE_FORMAT") for day in series.days]
    pairs = list(zip(names, series.values, strict=True))
    draw = charts.stacked_columns if stacked else charts.lines
    return {
        "title": title,
        "svg": draw(labels, pairs, title),
        "legend": charts.legend(names),
        "names": names,
        "rows": [
            (label, [values[d] for values in series.values]) for d, label in enumerate(labels)
        ],
        "empty": series.empty,
    }


def _charts(request: HttpRequest) -> SafeString:
    """Render the charts and their tables, cached per language as long as the series."""
    key = f"selfcheck:statistics-html:{get_language()}"
    html: str | None = cache.get(key)
    if html is None:
        figures = statistics(90)
        charts = [
            _chart(figures.by_family, _("Infected addresses per day by malware family")),
            _chart(figures.by_isp, _("Infected addresses per day by network operator (ISP)")),
            _chart(figures.reports, _("Reports received and handled per day"), stacked=False),
        ]
        html = render_to_string("selfcheck/statistics_charts.html", {"charts": charts}, request)
        cache.set(key, html, statistics_cache_seconds())
    return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


@require_GET
@roles_required(PUBLIC)
def statistics_page(request: HttpRequest) -> HttpResponse:
    """Charts of the last 90 days, each with its data table."""
    context = {"days": 90, "charts": _charts(request)}
    return render(request, "selfcheck/statistics.html", context)
