"""Brand pages: the organisation's workspace, the analysts' alert queue, the public list of
confirmed fakes and the public URL check.

Views stay thin: they check roles (``roles_required``), find what the user may see
(``access``, 404 otherwise) and call a service; a service's ``ValidationError`` becomes a
message or a form error with status 400, never a 500.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cleannet.core.errors import InvalidValue
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.brands import alerts, services
from cleannet.server.brands.access import brand_for, domain_for, own_brands
from cleannet.server.brands.forms import BrandForm, DecisionForm, DomainForm, UrlCheckForm
from cleannet.server.brands.models import AlertStatus, LookalikeAlert
from cleannet.server.brands.urlcheck import check_url

MEMBER = Role.ORG_MEMBER
AUTHORITY = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _show_errors(request: HttpRequest, form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form's field it names, or else at the top of the page."""
    for field, field_messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            for message in field_messages:
                messages.error(request, message)


@require_http_methods(["GET", "POST"])
@roles_required(MEMBER)
def workspace(request: HttpRequest) -> HttpResponse:
    """The organisation's brands and the form to register one."""
    user = _user(request)
    form = BrandForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            brand = services.register_brand(
                user,
                user.organisation,
                data["key"],
                data["name"],
                data["keywords"],
                form.domain_list(),
            )
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(request, _("The brand was registered."))
            return redirect("brands:brand", pk=brand.pk)
    brands = own_brands(user).prefetch_related("domains")
    status = 400 if form.is_bound else 200
    return render(request, "brands/workspace.html", {"brands": brands, "form": form}, status=status)


def _brand_page(
    request: HttpRequest, pk: int, domain_form: DomainForm | None = None
) -> HttpResponse:
    brand = brand_for(_user(request), pk)
    context = {
        "brand": brand,
        "domains": brand.domains.all(),
        "alerts": brand.alerts.order_by("-last_seen", "-id")[:200],
        "domain_form": domain_form or DomainForm(),
    }
    return render(request, "brands/brand.html", context, status=400 if domain_form else 200)


@require_GET
@roles_required(MEMBER)
def brand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A brand's official domains with their control status and instructions, its alerts."""
    return _brand_page(request, pk)


@require_POST
@roles_required(MEMBER)
def domain_add(request: HttpRequest, pk: int) -> HttpResponse:
    brand = brand_for(_user(request), pk)
    form = DomainForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_official_domain(
                _user(request), brand, data["domain"], data["control_method"]
            )
        except ValidationError as error:
            _show_errors(request, form, error)
        else:
            messages.success(
                request, _("The domain was added; publish the token to prove control.")
            )
            return redirect("brands:brand", pk=pk)
    return _brand_page(request, pk, form)


@require_POST
@roles_required(MEMBER)
def domain_check(request: HttpRequest, pk: int) -> HttpResponse:
    """Run the domain's control check now and say how it went."""
    official = services.check_domain_control(domain_for(_user(request), pk), actor=_user(request))
    if official.last_check_error:
        messages.error(request, official.last_check_error)
    else:
        messages.success(
            request, _("Control of %(domain)s is proven.") % {"domain": official.domain}
        )
    return redirect("brands:brand", pk=official.brand_id)


@require_POST
@roles_required(MEMBER)
def domain_remove(request: HttpRequest, pk: int) -> HttpResponse:
    official = domain_for(_user(request), pk)
    services.remove_official_domain(_user(request), official)
    messages.success(request, _("The domain was removed."))
    return redirect("brands:brand", pk=official.brand_id)


@require_GET
@roles_required(*AUTHORITY)
def alert_queue(request: HttpRequest) -> HttpResponse:
    """New alerts, the highest score first (``?status=confirmed`` or ``dismissed`` for others)."""
    status = request.GET.get("status", AlertStatus.NEW)
    if status not in AlertStatus.values:
        status = AlertStatus.NEW
    found = LookalikeAlert.objects.filter(status=status).select_related("brand__organisation")
    context = {
        "alerts": found.order_by("-score", "-last_seen")[:500],
        "status": status,
        "statuses": AlertStatus.choices,
        "form": DecisionForm(),
    }
    return render(request, "brands/alert_queue.html", context)


def _decide(request: HttpRequest, pk: int, act: Any, done: str) -> HttpResponse:
    alert = get_object_or_404(LookalikeAlert, pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            act(_user(request), alert, form.cleaned_data["note"])
        except ValidationError as error:
            for field_messages in error.message_dict.values():
                for message in field_messages:
                    messages.error(request, message)
        else:
            messages.success(request, done % {"host": alert.host})
    else:
        messages.error(request, _("The note is too long."))
    return redirect("brands:alerts")


@require_POST
@roles_required(*AUTHORITY)
def alert_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, alerts.confirm_alert, _("%(host)s is now a confirmed fake."))


@require_POST
@roles_required(*AUTHORITY)
def alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, alerts.dismiss_alert, _("The alert about %(host)s was dismissed."))


@require_GET
@roles_required(PUBLIC)
def fakes(request: HttpRequest) -> HttpResponse:
    """The confirmed fake sites: name, brand, since when (no internal notes)."""
    found = alerts.confirmed_alerts().order_by("-decided_at", "host")
    return render(request, "brands/fakes.html", {"fakes": found})


@require_GET
@roles_required(PUBLIC)
def check(request: HttpRequest) -> HttpResponse:
    """A form (GET, no JavaScript needed): a URL in, what CleanNet knows of it out."""
    form = UrlCheckForm(request.GET if "url" in request.GET else None)
    context: dict[str, Any] = {"form": form}
    if form.is_bound:
        if not form.is_valid():
            return render(request, "brands/check.html", context, status=400)
        try:
            context["result"] = check_url(form.cleaned_data["url"])
        except InvalidValue as error:
            context["refusal"] = _("This is not a web address we can check: %(reason)s.") % {
                "reason": error.reason
            }
            return render(request, "brands/check.html", context, status=400)
    return render(request, "brands/check.html", context)
