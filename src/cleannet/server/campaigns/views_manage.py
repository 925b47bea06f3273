"""The authority's campaign forms: create and edit drafts (staff), launch, finish and cancel
(authority administrators only). Each calls a service; a refusal is shown on the form's field
or, for a button without a field, as a message on the dashboard."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.campaigns import services
from cleannet.server.campaigns.forms import CampaignForm
from cleannet.server.campaigns.models import Campaign, CampaignStatus
from cleannet.server.campaigns.views_workspace import (
    STAFF,
    campaign_for,
    current_user,
    render_dashboard,
)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the campaign cancelled?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def show_errors(request: HttpRequest, form: BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on the form's field it names, or else at the top of the page."""
    for field, field_messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, field_messages)
        else:
            for message in field_messages:
                messages.error(request, message)


def _edit(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    user = current_user(request)
    form = CampaignForm(request.POST or None, instance=campaign)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save(user)
        except ValidationError as error:
            show_errors(request, form, error)
        else:
            messages.success(request, _("The campaign was saved."))
            return redirect("campaigns:dashboard", slug=saved.slug)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "campaign": campaign}
    return render(request, "campaigns/workspace_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF)
def campaign_new(request: HttpRequest) -> HttpResponse:
    """A new campaign, saved as a draft."""
    return _edit(request, None)


@require_http_methods(["GET", "POST"])
@roles_required(*STAFF)
def campaign_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Edit a draft; of an active campaign only the summaries, ``public`` and a later end
    (the form disables the rest); a finished or cancelled one is not edited."""
    campaign = campaign_for(current_user(request), slug)
    if campaign.status not in (CampaignStatus.DRAFT, CampaignStatus.ACTIVE):
        messages.error(request, _("A finished or cancelled campaign cannot be edited."))
        return redirect("campaigns:dashboard", slug=slug)
    return _edit(request, campaign)


def _press(
    request: HttpRequest,
    slug: str,
    act: Callable[[User, Campaign], object],
    done: str,
) -> HttpResponse:
    """Run a button's service; its refusal becomes a message on the dashboard."""
    campaign = campaign_for(current_user(request), slug)
    try:
        act(current_user(request), campaign)
    except ValidationError as error:
        for field_messages in error.message_dict.values():
            for message in field_messages:
                messages.error(request, message)
    else:
        messages.success(request, done)
    return redirect("campaigns:dashboard", slug=slug)


@require_POST
@roles_required(Role.AUTHORITY_ADMIN)
def campaign_launch(request: HttpRequest, slug: str) -> HttpResponse:
    """Launch a draft: it becomes active and the ISPs see it as a task."""
    return _press(request, slug, services.launch_campaign, _("The campaign was launched."))


@require_POST
@roles_required(Role.AUTHORITY_ADMIN)
def campaign_finish(request: HttpRequest, slug: str) -> HttpResponse:
    """Finish an active campaign now."""
    return _press(request, slug, services.finish_campaign, _("The campaign was finished."))


@require_POST
@roles_required(Role.AUTHORITY_ADMIN)
def campaign_cancel(request: HttpRequest, slug: str) -> HttpResponse:
    """Cancel a campaign, with a reason (required)."""
    user = current_user(request)
    campaign = campaign_for(user, slug)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_campaign(user, campaign, form.cleaned_data["reason"])
        except ValidationError as error:
            show_errors(request, form, error)
        else:
            messages.success(request, _("The campaign was cancelled."))
            return redirect("campaigns:dashboard", slug=slug)
    return render_dashboard(request, campaign, status=400, cancel_form=form)
