"""An ISP operator's campaign forms: accept or decline a campaign, record an action.

Only an operator of a participating organisation may post them; any other campaign is "not
found". A refusal re-renders the dashboard with the field's error (400)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cleannet.server.accounts.access import roles_required
from cleannet.server.accounts.roles import Role
from cleannet.server.campaigns import access
from cleannet.server.campaigns.forms import ActionForm, ResponseForm
from cleannet.server.campaigns.models import Campaign, Participant
from cleannet.server.campaigns.views_manage import show_errors
from cleannet.server.campaigns.views_workspace import campaign_for, current_user, render_dashboard


def _participant(request: HttpRequest, slug: str) -> tuple[Campaign, Participant]:
    user = current_user(request)
    campaign = campaign_for(user, slug)
    participant = access.participant_for(user, campaign)
    if participant is None:
        raise Http404(slug)
    return campaign, participant


def _back(request: HttpRequest, slug: str) -> HttpResponse:
    """Back to the page the form was on (the list or the dashboard), never off the site."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("campaigns:dashboard", slug=slug)


@require_POST
@roles_required(Role.ISP_OPERATOR)
def campaign_respond(request: HttpRequest, slug: str) -> HttpResponse:
    """Accept or decline the campaign for the operator's organisation."""
    campaign, participant = _participant(request, slug)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            saved = form.save(current_user(request), participant)
        except ValidationError as error:
            show_errors(request, form, error)
        else:
            accepted = saved.status == "accepted"
            done = _("You accepted the campaign.") if accepted else _("You declined the campaign.")
            messages.success(request, done)
            return _back(request, slug)
    return render_dashboard(request, campaign, status=400, response_form=form)


@require_POST
@roles_required(Role.ISP_OPERATOR)
def campaign_action(request: HttpRequest, slug: str) -> HttpResponse:
    """Record an action the operator's organisation took for the campaign."""
    campaign, participant = _participant(request, slug)
    form = ActionForm(request.POST, participant=participant)
    if form.is_valid():
        try:
            form.save(current_user(request), participant)
        except ValidationError as error:
            show_errors(request, form, error)
        else:
            messages.success(request, _("The action was recorded."))
            return redirect("campaigns:dashboard", slug=slug)
    return render_dashboard(request, campaign, status=400, action_form=form)
