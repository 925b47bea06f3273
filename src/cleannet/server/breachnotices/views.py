"""Breach-notice pages: the organisation's list, form and detail, the analysts' queue and actions.

Views stay thin: they check roles (``roles_required``), find the notice the user may see
(``access.notice_for``, 404 otherwise) and call a service; a service's ``ValidationError``
is shown on the form or as a message, never as a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm, Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.access import notice_for, visible_notices
from cleannet.server.breachnotices.clock import deadline_clock
from cleannet.server.breachnotices.forms import (
    AnswerForm,
    BreachNoticeForm,
    CloseForm,
    FollowUpForm,
)
from cleannet.server.breachnotices.models import BreachNotice, Status

MEMBER = Role.ORG_MEMBER
AUTHORITY = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _with_clocks(notices: Any) -> list[tuple[BreachNotice, Any]]:
    now = timezone.now()
    return [(n, deadline_clock(n.discovered_at, n.filed_at, now)) for n in notices]


def _show_errors(request: HttpRequest, form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form's field it names, or else at the top of the page."""
    for field, field_messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            for message in field_messages:
                messages.error(request, message)


@require_GET
@roles_required(MEMBER)
def notice_list(request: HttpRequest) -> HttpResponse:
    notices = visible_notices(_user(request)).order_by("-created_at", "-id")
    return render(request, "breachnotices/list.html", {"rows": _with_clocks(notices)})


def _edit(request: HttpRequest, notice: BreachNotice | None) -> HttpResponse:
    user = _user(request)
    filing = request.POST.get("action") == "file"
    form = BreachNoticeForm(request.POST or None, instance=notice, filing=filing)
    if request.method == "POST" and form.is_valid():
        save = services.save_and_file if filing else services.save_draft
        try:
            saved = save(user, user.organisation, form.cleaned_data, notice)
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            done = _("The notice was filed with the authority.") if filing else _("Draft saved.")
            messages.success(request, done)
            return redirect("breachnotices:detail", pk=saved.pk)
    return render(request, "breachnotices/form.html", {"form": form, "notice": notice})


@require_http_methods(["GET", "POST"])
@roles_required(MEMBER)
def notice_create(request: HttpRequest) -> HttpResponse:
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@roles_required(MEMBER)
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for(_user(request), pk)
    if notice.status != Status.DRAFT:
        messages.error(request, _("A filed notice cannot be changed; answer the analysts instead."))
        return redirect("breachnotices:detail", pk=pk)
    return _edit(request, notice)


def _detail_context(notice: BreachNotice, **forms: Form) -> dict[str, Any]:
    return {
        "notice": notice,
        "clock": deadline_clock(notice.discovered_at, notice.filed_at, timezone.now()),
        "notice_messages": notice.messages.all(),
        "follow_up_form": forms.get("follow_up_form", FollowUpForm()),
        "close_form": forms.get("close_form", CloseForm()),
        "answer_form": forms.get("answer_form", AnswerForm()),
    }


@require_GET
@roles_required(MEMBER, *AUTHORITY)
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = notice_for(_user(request), pk)
    return render(request, "breachnotices/detail.html", _detail_context(notice))


@require_GET
@roles_required(*AUTHORITY)
def analyst_queue(request: HttpRequest) -> HttpResponse:
    """Open notices by due time (the most urgent first); ``?closed=1`` for the closed ones."""
    closed = request.GET.get("closed") == "1"
    notices = visible_notices(_user(request))
    notices = (
        notices.filter(status=Status.CLOSED)
        if closed
        else notices.filter(status__in=services.OPEN_STATUSES)
    )
    context = {"rows": _with_clocks(notices.order_by("due_at", "id")), "closed": closed}
    return render(request, "breachnotices/queue.html", context)


def _act(
    request: HttpRequest,
    pk: int,
    form_class: type[Form],
    form_name: str | None,
    act: Callable[[User, BreachNotice, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """Validate a small form, call the service; on refusal show the detail page with errors."""
    notice = notice_for(_user(request), pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            act(_user(request), notice, form.cleaned_data)
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(request, done)
            return redirect("breachnotices:detail", pk=pk)
    context = _detail_context(notice, **({form_name: form} if form_name else {}))
    return render(request, "breachnotices/detail.html", context, status=400)


@require_POST
@roles_required(*AUTHORITY)
def notice_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        Form,
        None,
        lambda user, notice, _data: services.acknowledge(user, notice),
        _("The notice was acknowledged."),
    )


@require_POST
@roles_required(*AUTHORITY)
def notice_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        FollowUpForm,
        "follow_up_form",
        lambda user, notice, data: services.request_follow_up(user, notice, data["message"]),
        _("The organisation was asked to follow up."),
    )


@require_POST
@roles_required(*AUTHORITY)
def notice_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        CloseForm,
        "close_form",
        lambda user, notice, data: services.close_notice(user, notice, data["note"]),
        _("The notice was closed."),
    )


@require_POST
@roles_required(MEMBER)
def notice_answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        AnswerForm,
        "answer_form",
        lambda user, notice, data: services.answer_follow_up(user, notice, data["message"]),
        _("Your answer was sent to the authority."),
    )
