"""Public pages of the report channel: the chooser, one form per kind, the page that shows
the tracking number and secret link once, the status page, and an organisation's reports.

The status page answers 404 for a wrong number or a wrong secret alike.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from cleannet.core.errors import InvalidValue
from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.accounts.roles import Role
from cleannet.server.reports import mail, services
from cleannet.server.reports.forms import (
    DataLeakReportForm,
    MalwareReportForm,
    PhishingReportForm,
    ReportForm,
    VulnerabilityReportForm,
)
from cleannet.server.reports.forms_incident import SECTIONS, IncidentReportForm
from cleannet.server.reports.models import MessageKind, Report, ReportKind
from cleannet.server.reports.options import current_options

# URL slug → form; the slugs are what people see in addresses.
FORMS: dict[str, type[ReportForm]] = {
    "malware": MalwareReportForm,
    "phishing": PhishingReportForm,
    "data-leak": DataLeakReportForm,
    "vulnerability": VulnerabilityReportForm,
    "incident": IncidentReportForm,
}
# Members of these roles file on behalf of their organisation.
_ORGANISATION_ROLES = frozenset({Role.ORG_MEMBER, Role.ISP_OPERATOR})


@require_GET
@roles_required(PUBLIC)
def chooser(request: HttpRequest) -> HttpResponse:
    """List the kinds of report, each with its form."""
    kinds = [(slug, ReportKind(form.kind).label) for slug, form in FORMS.items()]
    context = {"kinds": kinds, "keep_days": current_options().keep_attachment_days}
    return render(request, "reports/chooser.html", context)


def _organisation(request: HttpRequest) -> Any:
    user = request.user
    if user.is_authenticated and getattr(user, "role", None) in _ORGANISATION_ROLES:
        return user.organisation
    return None


def _new_report(form: ReportForm) -> services.NewReport:
    data = form.cleaned_data
    incident = form.incident() if isinstance(form, IncidentReportForm) else None
    email = data["reporter_email"] or (incident.organisation_email if incident else "")
    return services.NewReport(
        kind=form.kind,
        title=data["title"],
        description=data["description"],
        target_url=data.get("target_url", ""),
        target_domain=data.get("target_domain", ""),
        target_ip=data.get("target_ip", ""),
        reporter_name=data["reporter_name"] or (incident.contact_name if incident else ""),
        reporter_email=email,
        reporter_phone=data["reporter_phone"],
        keep_confidential=data["keep_confidential"],
        language="en" if translation.get_language() == "en" else "vi",
        incident=incident,
    )


def _form_page(
    request: HttpRequest, slug: str, form: ReportForm, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {
        "form": form,
        "slug": slug,
        "kind_label": ReportKind(form.kind).label,
        "keep_days": current_options().keep_attachment_days,
        **extra,
    }
    if isinstance(form, IncidentReportForm):
        context["sections"] = [(title, [form[name] for name in names]) for title, names in SECTIONS]
    return render(request, "reports/form.html", context, status=status)


def _file(request: HttpRequest, slug: str, form: ReportForm) -> HttpResponse:
    data = _new_report(form)
    client = str(request.META.get("REMOTE_ADDR", ""))
    if not services.allow_report(client, data.reporter_email):
        refusal = _(
            "Too many reports from your connection or for this e-mail address. "
            "Please try again later."
        )
        return _form_page(request, slug, form, 429, refusal=refusal)
    try:
        report, secret = services.file_report(None, data, _organisation(request))
    except InvalidValue as error:
        form.add_error(error.field if error.field in form.fields else None, error.reason)
        return _form_page(request, slug, form, 400)
    refused = _attach(report, form.cleaned_data["attachments"])
    url = request.build_absolute_uri(
        reverse("reports:status", args=[report.tracking_number, secret])
    )
    if mail.send_confirmation(report, url):
        services.mark_confirmation_sent(report)
    context = {"report": report, "status_url": url, "refused_files": refused}
    return render(request, "reports/filed.html", context)


def _attach(report: Report, uploads: list[Any]) -> list[str]:
    """Store the uploaded files; return the names of those refused (the report stands)."""
    refused = []
    for upload in uploads:
        try:
            services.add_attachment(None, report, upload.name or "", upload.chunks())
        except (InvalidValue, services.AttachmentTooLarge):
            refused.append(upload.name or "")
    return refused


@never_cache
@require_http_methods(["GET", "POST"])
@roles_required(PUBLIC)
def report_form(request: HttpRequest, slug: str) -> HttpResponse:
    """Show the form of one kind; a valid report is filed and its number shown once."""
    form_class = FORMS.get(slug)
    if form_class is None:
        raise Http404
    if request.method != "POST":
        return _form_page(request, slug, form_class())
    form = form_class(request.POST, request.FILES)
    if form.is_robot():
        services.count_honeypot()
        return render(request, "reports/filed.html", {"report": None})
    if not form.is_valid():
        return _form_page(request, slug, form, 400)
    return _file(request, slug, form)


def _public_messages(report: Report) -> list[Any]:
    return list(report.messages.filter(kind=MessageKind.REPLY).order_by("created_at", "id"))


@never_cache
@require_GET
@roles_required(PUBLIC)
def status(request: HttpRequest, tracking: str, secret: str) -> HttpResponse:
    """The status of one report to whoever holds its secret link: no internal data."""
    report = services.status_for(tracking, secret)
    if report is None:
        raise Http404
    context = {"report": report, "replies": _public_messages(report)}
    response = render(request, "reports/status.html", context)
    response["Referrer-Policy"] = "no-referrer"  # the secret must not leak through links
    return response


@require_GET
@roles_required(Role.ORG_MEMBER, Role.ISP_OPERATOR)
def mine(request: HttpRequest) -> HttpResponse:
    """The reports filed by the signed-in member's organisation."""
    reports = services.reports_of(request.user.organisation)  # type: ignore[union-attr]
    return render(request, "reports/mine.html", {"reports": reports})


@require_GET
@roles_required(Role.ORG_MEMBER, Role.ISP_OPERATOR)
def mine_detail(request: HttpRequest, tracking: str) -> HttpResponse:
    """One of the organisation's reports; another organisation's answers 404."""
    organisation = request.user.organisation  # type: ignore[union-attr]
    report = Report.objects.filter(tracking_number=tracking, organisation=organisation).first()
    if report is None:
        raise Http404
    context = {"report": report, "replies": _public_messages(report), "member_view": True}
    return render(request, "reports/status.html", context)
