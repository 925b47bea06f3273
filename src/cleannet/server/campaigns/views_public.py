"""Public campaign pages under ``/campaigns/``: the list of public campaigns and one page per
campaign with its overall progress and the participating ISPs.

Every page is public and read-only. Only public campaigns that are active or finished are
shown (``access.public_campaigns()``); a draft, a cancelled or a non-public campaign answers
404. The pages carry national figures only: no ISP's own figures and nothing personal (the
ISPs are named with their answer, invited or accepted, and nothing else).

The progress part of a page (figures, charts, the day table) is rendered once per campaign,
language and measurement and kept ``public_cache_seconds()``; the rest (name, summary,
participants) is read live, so a cancelled campaign's page answers 404 at once. The list's
rows are kept per language for the same time (a newly launched campaign may take that long
to appear there). Anonymous visitors'
responses say ``Cache-Control: public``, a signed-in user's (whose name is in the menu)
``private``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cleannet.server.accounts.access import PUBLIC, roles_required
from cleannet.server.campaigns import charts
from cleannet.server.campaigns.access import public_campaigns
from cleannet.server.campaigns.models import (
    Campaign,
    CampaignStatus,
    Participant,
    ParticipantStatus,
)
from cleannet.server.campaigns.progress import CampaignProgress, campaign_progress
from cleannet.server.encyclopedia.models import FamilyProfile, localised


@dataclass(frozen=True)
class PublicCampaignRow:
    """One line of the public list: national figures only."""

    campaign: Campaign
    url: str
    reduction: float | None
    goal: int
    on_track: bool | None


@dataclass(frozen=True)
class FamilyLink:
    name: str
    url: str
    """The family's encyclopedia page, or "" when the encyclopedia has no page for it."""


def public_cache_seconds() -> int:
    """How long a rendered progress part is kept (the public statistics' setting)."""
    return int(getattr(settings, "CLEANNET_STATISTICS_CACHE_SECONDS", 300))


def _kept(key: str, render_html: Callable[[], str]) -> SafeString:
    html: str | None = cache.get(key)
    if html is None:
        html = render_html()
        cache.set(key, html, public_cache_seconds())
    return mark_safe(html)  # noqa: S308 (rendered by our own template, escaped there)


def _cacheable(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    # A signed-in user's page names them in the menu: shared caches must not keep it.
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    else:
        patch_cache_control(response, public=True, max_age=public_cache_seconds())
    return response


def _ordered(campaigns: list[Campaign]) -> list[Campaign]:
    """Active campaigns first, then finished ones; the latest start first within each."""
    by_start = sorted(campaigns, key=lambda c: (c.starts_on, c.name), reverse=True)
    return sorted(by_start, key=lambda c: c.status != CampaignStatus.ACTIVE)


def public_rows() -> list[PublicCampaignRow]:
    """Return the public campaigns, active first, each with its national reduction."""
    rows = []
    for campaign in _ordered(list(public_campaigns())):
        progress = campaign_progress(campaign)
        url = reverse("campaigns_public:detail", args=[campaign.slug])
        rows.append(
            PublicCampaignRow(campaign, url, progress.reduction, progress.goal, progress.on_track)
        )
    return rows


def _list_html(request: HttpRequest) -> str:
    rows = public_rows()
    bars = charts.progress_bars(
        [(row.campaign.name, row.reduction, float(row.goal)) for row in rows],
        label=_("Reduction of infected addresses against each campaign's goal"),
    )
    context = {"rows": rows, "bars": bars if rows else ""}
    return render_to_string("campaigns/public_list_rows.html", context, request)


@require_GET
@roles_required(PUBLIC)
def campaign_list(request: HttpRequest) -> HttpResponse:
    """Public campaigns, active first then finished, with their reduction against the goal."""
    key = f"campaigns:public-list:{get_language()}"
    context = {"rows_html": _kept(key, lambda: _list_html(request))}
    return _cacheable(request, render(request, "campaigns/public_list.html", context))


def family_links(campaign: Campaign) -> list[FamilyLink]:
    """The campaign's families, each linked to its encyclopedia page when there is one."""
    families = list(campaign.families.order_by("name"))
    pages = FamilyProfile.objects.filter(
        Q(family__in=families) | Q(slug__in=[family.slug for family in families])
    ).values_list("family_id", "slug")
    by_family = {family_id: slug for family_id, slug in pages if family_id is not None}
    slugs = {slug for _family_id, slug in pages}
    links = []
    for family in families:
        slug = by_family.get(family.pk) or (family.slug if family.slug in slugs else "")
        url = reverse("encyclopedia:family", args=[slug]) if slug else ""
        links.append(FamilyLink(family.name, url))
    return links


def _national_charts(progress: CampaignProgress) -> dict[str, SafeString]:
    days = [day.day for day in progress.days]
    addresses = charts.line_chart(
        days,
        [charts.Series(_("Infected addresses"), [day.addresses_window for day in progress.days])],
        label=_("Infected addresses in the campaign, against the baseline and the target"),
        goal=progress.target,
        baseline=progress.baseline,
        y_label=_("addresses"),
    )
    notices = charts.line_chart(
        days,
        [
            charts.Series(_("Warnings sent"), [day.sent for day in progress.days]),
            charts.Series(_("Acknowledged"), [day.acknowledged for day in progress.days]),
            charts.Series(_("Re-infected"), [day.reinfected for day in progress.days]),
        ],
        label=_("Warnings sent to subscribers, acknowledged and re-infections per day"),
        y_label=_("per day"),
    )
    return {"addresses": addresses, "notices": notices}


def _progress_html(request: HttpRequest, campaign: Campaign) -> str:
    # National totals only: progress.isps (each ISP's own figures) never reaches the template.
    progress = campaign_progress(campaign)
    days = [(date_format(day.day, "SHORT_DATE_FORMAT"), day) for day in progress.days]
    context: dict[str, Any] = {
        "progress": progress,
        "totals": progress.totals,
        "charts": _national_charts(progress) if progress.days else {},
        "days": days,
    }
    return render_to_string("campaigns/public_progress.html", context, request)


def public_participants(campaign: Campaign) -> list[Participant]:
    """The ISPs that accepted or were invited (not those that declined), by name."""
    answers = [ParticipantStatus.ACCEPTED, ParticipantStatus.INVITED]
    return list(
        campaign.participants.filter(status__in=answers)
        .select_related("organisation")
        .order_by("organisation__name")
    )


@require_GET
@roles_required(PUBLIC)
def campaign_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One public campaign: summary in the page's language, period, families, national
    progress, participating ISPs and what a visitor can do; anything else answers 404."""
    campaign = get_object_or_404(public_campaigns(), slug=slug)
    measured = campaign.measured_through.isoformat() if campaign.measured_through else "-"
    key = f"campaigns:public-progress:{get_language()}:{campaign.pk}:{campaign.status}:{measured}"
    context = {
        "campaign": campaign,
        "summary": localised(campaign, "summary"),
        "families": family_links(campaign),
        "progress_html": _kept(key, lambda: _progress_html(request, campaign)),
        "participants": public_participants(campaign),
    }
    return _cacheable(request, render(request, "campaigns/public_detail.html", context))
