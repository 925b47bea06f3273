"""The analysts' triage pages: the queue, one report, its actions and attachment downloads.

Every view admits the authority's staff only (``roles_required``); views stay thin and call
``triage_services``; a refusal is shown on the form or as a message, never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm, Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.reports import triage_services as services
from cleannet.server.reports.models import Report, ReportAttachment
from cleannet.server.reports.sla import timer_for
from cleannet.server.reports.triage_forms import (
    AssignForm,
    MessageForm,
    QueueFilterForm,
    StatusForm,
)
from cleannet.server.reports.triage_mail import deliver_reply
from cleannet.server.reports.triage_queue import (
    filtered_reports,
    group_rows,
    ordered_reports,
    rows_with_reports,
    single_rows,
)

AUTHORITY = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
PAGE_SIZE = 25


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _report(tracking: str) -> Report:
    return get_object_or_404(Report, tracking_number=tracking.upper())


@require_GET
@roles_required(*AUTHORITY)
def queue(request: HttpRequest) -> HttpResponse:
    """Reports not closed yet (or as filtered), one row per group, paginated."""
    form = QueueFilterForm(request.GET)
    filters = form.filters()
    group = request.GET.get("group", "").strip()[:253]
    if group:
        filters["group"] = group
    now, order = timezone.now(), filters.get("order", "newest")
    reports = filtered_reports(filters, _user(request), now)
    if group:
        page = Paginator(ordered_reports(reports, order), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = single_rows(list(page.object_list), now)
    else:
        page = Paginator(group_rows(reports, order, now), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        rows = rows_with_reports(list(page.object_list), now)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "rows": rows, "page": page, "group": group, "query": query.urlencode()}
    return render(request, "reports/triage_queue.html", context)


def _report_context(report: Report, **forms: BaseForm) -> dict[str, Any]:
    now = timezone.now()
    return {
        "report": report,
        "timer": timer_for(report.kind, report.status, report.created_at, report.due_at, now),
        "incident": getattr(report, "incident", None),
        "attachments": report.attachments.all(),
        "history": report.messages.select_related("author"),
        "same_group": _same_group(report),
        "duplicates": report.duplicates.all(),
        "assign_form": forms.get("assign_form")
        or AssignForm(initial={"assignee": report.assigned_to}),
        "status_form": forms.get("status_form") or StatusForm(report),
        "note_form": forms.get("note_form") or MessageForm(prefix="note"),
        "reply_form": forms.get("reply_form") or MessageForm(prefix="reply"),
    }


def _same_group(report: Report) -> Any:
    if not report.group_key:
        return Report.objects.none()
    others = Report.objects.filter(group_key=report.group_key).exclude(pk=report.pk)
    return others.order_by("-created_at")[:20]


@require_GET
@roles_required(*AUTHORITY)
def report_detail(request: HttpRequest, tracking: str) -> HttpResponse:
    report = get_object_or_404(
        Report.objects.select_related("assigned_to", "duplicate_of", "organisation"),
        tracking_number=tracking.upper(),
    )
    return render(request, "reports/triage_report.html", _report_context(report))


def _show_errors(request: HttpRequest, form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form's field it names, or else at the top of the page."""
    for field, field_messages in error.message_dict.items():
        for message in field_messages:
            if field in form.fields:
                form.add_error(field, message)
            else:
                messages.error(request, message)


def _act(
    request: HttpRequest,
    tracking: str,
    form: BaseForm,
    form_name: str,
    act: Callable[[User, Report, dict[str, Any]], str],
) -> HttpResponse:
    """Validate ``form``, call the service; on refusal show the report page with errors (400)."""
    report = _report(tracking)
    if form.is_valid():
        try:
            done = act(_user(request), report, form.cleaned_data)
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(request, done)
            return redirect("triage:report", tracking=report.tracking_number)
    context = _report_context(report, **{form_name: form})
    return render(request, "reports/triage_report.html", context, status=400)


@require_POST
@roles_required(*AUTHORITY)
def take(request: HttpRequest, tracking: str) -> HttpResponse:
    def act(user: User, report: Report, _data: dict[str, Any]) -> str:
        services.take(user, report)
        return _("You took the report.")

    return _act(request, tracking, Form({}), "take_form", act)


@require_POST
@roles_required(*AUTHORITY)
def assign(request: HttpRequest, tracking: str) -> HttpResponse:
    def act(user: User, report: Report, data: dict[str, Any]) -> str:
        services.assign(user, report, data["assignee"])
        return _("The assignment was saved.")

    return _act(request, tracking, AssignForm(request.POST), "assign_form", act)


def _status_done(change: services.StatusChange, request: HttpRequest) -> str:
    if change.effects is not None:
        for warning in change.effects.warnings:
            messages.warning(request, warning)
        if change.effects.fake_host:
            messages.info(
                request,
                _("%(host)s is now a confirmed fake site.") % {"host": change.effects.fake_host},
            )
    return _("The status is now: %(status)s.") % {"status": change.report.get_status_display()}


@require_POST
@roles_required(*AUTHORITY)
def change_status(request: HttpRequest, tracking: str) -> HttpResponse:
    def act(user: User, report: Report, data: dict[str, Any]) -> str:
        change = services.change_status(
            user,
            report,
            data["status"],
            duplicate_of=data.get("duplicate_of"),
            brand=data.get("brand"),
        )
        return _status_done(change, request)

    form = StatusForm(_report(tracking), request.POST)
    return _act(request, tracking, form, "status_form", act)


@require_POST
@roles_required(*AUTHORITY)
def add_note(request: HttpRequest, tracking: str) -> HttpResponse:
    def act(user: User, report: Report, data: dict[str, Any]) -> str:
        services.add_note(user, report, data["body"])
        return _("The note was added; the reporter does not see it.")

    return _act(request, tracking, MessageForm(request.POST, prefix="note"), "note_form", act)


@require_POST
@roles_required(*AUTHORITY)
def add_reply(request: HttpRequest, tracking: str) -> HttpResponse:
    def act(user: User, report: Report, data: dict[str, Any]) -> str:
        reply = services.add_reply(user, report, data["body"])
        sent = deliver_reply(reply)
        if sent is None:
            messages.warning(request, _("The e-mail could not be sent now; it will be retried."))
        return _("The reply was added to the status page.")

    return _act(request, tracking, MessageForm(request.POST, prefix="reply"), "reply_form", act)


@require_GET
@roles_required(*AUTHORITY)
def download_attachment(request: HttpRequest, tracking: str, pk: int) -> HttpResponse:
    """The stored file, always as a download of unknown type (never rendered by the browser)."""
    attachment = get_object_or_404(
        ReportAttachment, pk=pk, report__tracking_number=tracking.upper()
    )
    path = Path(attachment.stored_path)
    if attachment.file_deleted_at is not None or not path.is_file():
        raise Http404(_("The file is no longer stored."))
    # Attachments are capped (10 MiB by default): read whole rather than streamed.
    response = HttpResponse(path.read_bytes(), content_type="application/octet-stream")
    name = attachment.original_name or f"attachment-{attachment.pk}"
    response["Content-Disposition"] = content_disposition_header(True, name) or "attachment"
    response["Content-Security-Policy"] = "sandbox"
    return response
