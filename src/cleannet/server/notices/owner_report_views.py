"""``/workspace/reports/``: the owner reports a user may see, and their downloads.

Authority staff see every organisation's reports; ISP operators and organisation members
see their own organisation's, and another organisation's report is "not found" to them.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.notices.owner_report_files import FORMATS, report_download
from cleannet.server.notices.owner_reports import visible_reports

PAGE_SIZE = 50


@require_GET
@roles_required(*Role.values)
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports the signed-in user may see, newest first, 50 a page."""
    user = cast(User, request.user)
    page = Paginator(visible_reports(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "formats": FORMATS, "show_organisation": user.is_authority}
    return render(request, "notices/owner_report_list.html", context)


@require_GET
@roles_required(*Role.values)
def report_file(request: HttpRequest, number: str, fmt: str) -> HttpResponse:
    """One report's events as a CSV, JSON or STIX file (404 for a report not visible)."""
    report = get_object_or_404(visible_reports(cast(User, request.user)), number=number)
    try:
        data, content_type, filename = report_download(report, fmt)
    except ValidationError as error:
        raise Http404(fmt) from error
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
