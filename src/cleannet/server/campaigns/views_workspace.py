"""``/workspace/campaigns/``: the campaign list, each campaign's dashboard and its downloads.

Authority staff see every campaign; an ISP operator sees the campaigns its organisation takes
part in (never drafts) and only its own lines. Another ISP's or a draft campaign is "not found"
to an ISP; organisation members are refused. The forms live in ``views_manage`` (authority)
and ``views_isp`` (ISPs); refused input re-renders the dashboard here with the field's error.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.campaigns import access
from cleannet.server.campaigns.exports import report_filename, snapshot_csv
from cleannet.server.campaigns.forms import ActionForm, ResponseForm
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.campaigns.pdf import campaign_pdf
from cleannet.server.campaigns.progress import campaign_progress, month_bounds
from cleannet.server.campaigns.views_dashboard import build_dashboard, dashboard_context

STAFF = (Role.AUTHORITY_ADMIN, Role.AUTHORITY_ANALYST)
VIEWERS = (*STAFF, Role.ISP_OPERATOR)
PAGE_SIZE = 25
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def current_user(request: HttpRequest) -> User:
    return cast(User, request.user)


def campaign_for(user: User, slug: str) -> Campaign:
    """The campaign ``slug`` if ``user`` may see it; 404 otherwise (an ISP: drafts and
    campaigns its organisation does not take part in)."""
    campaign = access.visible_campaigns(user).filter(slug=slug).first()
    if campaign is None:
        raise Http404(slug)
    # Defence in depth for ISPs: visible_campaigns already leaves out drafts and others' campaigns.
    hidden = (
        campaign.status == CampaignStatus.DRAFT or access.participant_for(user, campaign) is None
    )
    if user.role not in AUTHORITY_ROLES and hidden:
        raise Http404(slug)
    return campaign


def parse_month(value: str | None) -> tuple[dt.date, dt.date] | None:
    """``YYYY-MM`` as the month's first and last day; None for no value.

    Raises ValidationError({"month": ...}) for anything else."""
    if not value:
        return None
    match = _MONTH.match(value)
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError({"month": _("Choose a month as YYYY-MM.")})
    return month_bounds(int(match.group(1)), int(match.group(2)))


def month_choices(campaign: Campaign, today: dt.date | None = None) -> list[str]:
    """The campaign's months (``YYYY-MM``) from its start to its end or today, earliest first."""
    last = min(campaign.ends_on, today or timezone.now().date())
    year, month = campaign.starts_on.year, campaign.starts_on.month
    months: list[str] = []
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _own_organisation(user: User) -> int | None:
    return None if user.role in AUTHORITY_ROLES else user.organisation_id


@require_GET
@roles_required(*VIEWERS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Staff: every campaign with its figures; ISP operators: their campaign tasks."""
    user = current_user(request)
    if user.role in AUTHORITY_ROLES:
        return _staff_list(request, user)
    tasks = _isp_tasks(user)
    rows = [(task, ResponseForm(auto_id=f"id_{task.pk}_%s")) for task in tasks]
    return render(request, "campaigns/workspace_isp_list.html", {"rows": rows})


def _staff_list(request: HttpRequest, user: User) -> HttpResponse:
    campaigns = access.visible_campaigns(user).annotate(
        invited=Count("participants", distinct=True),
        accepted=Count(
            "participants",
            filter=Q(participants__status=ParticipantStatus.ACCEPTED),
            distinct=True,
        ),
    )
    page = Paginator(campaigns.order_by("-starts_on", "name"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    # Drafts have no figures; the others' progress is pre-aggregated and quick per campaign.
    rows = [
        (c, None if c.status == CampaignStatus.DRAFT else campaign_progress(c))
        for c in page.object_list
    ]
    context = {"page": page, "rows": rows, "can_manage": access.can_manage(user)}
    return render(request, "campaigns/workspace_list.html", context)


def _isp_tasks(user: User) -> QuerySet[Participant]:
    """The user's organisation's participations in visible campaigns, invited ones first."""
    invited_first = Case(
        When(status=ParticipantStatus.INVITED, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Participant.objects.filter(
            organisation_id=user.organisation_id,
            campaign__in=access.visible_campaigns(user),
        )
        .exclude(campaign__status=CampaignStatus.DRAFT)
        .select_related("campaign")
        .order_by(invited_first, "-campaign__starts_on", "campaign__name")
    )


@require_GET
@roles_required(*VIEWERS)
def campaign_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's dashboard, for the whole campaign or ``?month=YYYY-MM``."""
    user = current_user(request)
    campaign = campaign_for(user, slug)
    try:
        bounds = parse_month(request.GET.get("month"))
    except ValidationError as error:
        messages.error(request, error.message_dict["month"][0])
        bounds = None
    return render_dashboard(request, campaign, bounds=bounds)


def render_dashboard(
    request: HttpRequest,
    campaign: Campaign,
    *,
    bounds: tuple[dt.date, dt.date] | None = None,
    status: int = 200,
    **forms: BaseForm,
) -> HttpResponse:
    """Render the dashboard; ``forms`` replace the page's empty forms (bound, with errors)."""
    user = current_user(request)
    since, until = bounds or (None, None)
    own = _own_organisation(user)
    dashboard = build_dashboard(campaign, organisation_id=own, since=since, until=until)
    context: dict[str, Any] = {
        **dashboard_context(dashboard),
        "campaign": campaign,
        "month": f"{since:%Y-%m}" if since else "",
        "months": month_choices(campaign),
        "participants": campaign.participants.select_related("organisation"),
        "families": campaign.families.all(),
        "can_manage": access.can_manage(user),
        "can_launch": access.can_launch(user),
        "participant": access.participant_for(user, campaign) if own else None,
    }
    context.update(empty_forms(context["participant"]))
    context.update(forms)
    return render(request, "campaigns/workspace_dashboard.html", context, status=status)


def empty_forms(participant: Participant | None) -> dict[str, BaseForm]:
    """The ISP's unbound forms on the dashboard (none for the authority)."""
    if participant is None:
        return {}
    return {"response_form": ResponseForm(), "action_form": ActionForm(participant=participant)}


def _download_scope(request: HttpRequest, slug: str) -> tuple[Campaign, dict[str, Any]]:
    """The campaign and the keyword arguments of an export: the month and, for an ISP, its
    own organisation; 400-worthy months raise ValidationError."""
    user = current_user(request)
    campaign = campaign_for(user, slug)
    since, until = parse_month(request.GET.get("month")) or (None, None)
    own = _own_organisation(user)
    return campaign, {
        "organisations": None if own is None else [own],
        "since": since,
        "until": until,
    }


def _refused(error: ValidationError) -> HttpResponse:
    text = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in error.message_dict.items())
    return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@roles_required(*VIEWERS)
def campaign_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's snapshots as CSV (an ISP: its own rows), optionally ``?month=YYYY-MM``."""
    try:
        campaign, scope = _download_scope(request, slug)
    except ValidationError as error:
        return _refused(error)
    data = snapshot_csv(campaign, **scope)
    name = report_filename(campaign, "csv", since=scope["since"], until=scope["until"])
    return _attachment(data, "text/csv; charset=utf-8", name)


@require_GET
@roles_required(*VIEWERS)
def campaign_report(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's PDF report in the page's language (an ISP: its own lines)."""
    try:
        campaign, scope = _download_scope(request, slug)
    except ValidationError as error:
        return _refused(error)
    language = "en" if (request.LANGUAGE_CODE or "").startswith("en") else "vi"
    data = campaign_pdf(campaign, language=language, **scope)
    name = report_filename(campaign, "pdf", since=scope["since"], until=scope["until"])
    return _attachment(data, "application/pdf", name)
