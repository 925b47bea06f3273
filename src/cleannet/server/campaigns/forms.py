"""Campaign forms: the authority's draft form, an ISP's answer, an ISP's action.

``clean()`` only checks what the form can see by itself; ``save(actor, ...)`` calls the
service, which checks everything again and may raise ``ValidationError`` naming a field
(pages put it on the form with ``views_manage.show_errors``) or ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.core.taxonomy import TYPE_DESCRIPTIONS
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.campaigns import services
from cleannet.server.campaigns.models import (
    ActionKind,
    Campaign,
    CampaignAction,
    CampaignStatus,
    Participant,
)
from cleannet.server.campaigns.validation import (
    ACTIVE_FIELDS,
    DRAFT_FIELDS,
    MAX_BASELINE_DAYS,
    MAX_TEXT,
)
from cleannet.server.intel.models import MalwareFamily


def _date_input() -> forms.DateInput:
    # ISO format: the only one a browser's type=date input reads back.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    """Create a draft, or edit one (``instance``); for a launched campaign only the summaries,
    ``public`` and ``ends_on`` stay editable, the other fields are shown disabled."""

    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        help_text=_("Lower-case letters, digits and hyphens; used in the campaign's address."),
    )
    summary_vi = forms.CharField(
        label=_("Summary (Vietnamese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    families = forms.ModelMultipleChoiceField(
        label=_("Malware families"),
        queryset=MalwareFamily.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    classification_types = forms.MultipleChoiceField(
        label=_("Event types"),
        choices=[(name, name) for name in TYPE_DESCRIPTIONS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Events of these types count whatever their family."),
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=_date_input())
    ends_on = forms.DateField(label=_("Ends on"), widget=_date_input())
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating ISPs"),
        queryset=Organisation.objects.filter(kind=OrganisationKind.ISP).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
    )
    goal_reduction = forms.IntegerField(
        label=_("Goal: fewer infected addresses (%)"), min_value=1, max_value=100, initial=50
    )
    baseline_days = forms.IntegerField(
        label=_("Baseline window (days)"),
        min_value=1,
        max_value=MAX_BASELINE_DAYS,
        initial=7,
        help_text=_("Infected addresses are counted over this many days."),
    )
    public = forms.BooleanField(label=_("Show on the public site"), required=False, initial=True)

    def __init__(self, *args: Any, instance: Campaign | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None:
            kwargs.setdefault("initial", _initial(instance))
        super().__init__(*args, **kwargs)
        if instance is not None and instance.status != CampaignStatus.DRAFT:
            for name, field in self.fields.items():
                field.disabled = name not in ACTIVE_FIELDS

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The campaign must end on or after its start."))
        families, types = data.get("families"), data.get("classification_types")
        if "families" in data and not families and not types:
            self.add_error("families", _("Choose at least one malware family or event type."))
        return data

    def save(self, actor: User | None) -> Campaign:
        """Create the draft, or apply the changes to ``instance``; return the campaign."""
        data = {name: self.cleaned_data[name] for name in self.fields}
        data["families"] = list(data["families"])
        data["participants"] = list(data["participants"])
        if self.instance is None:
            return services.create_campaign(actor, **data)
        if self.instance.status != CampaignStatus.DRAFT:
            data = {name: data[name] for name in ACTIVE_FIELDS}
        return services.update_campaign(actor, self.instance, **data)


def _initial(campaign: Campaign) -> dict[str, Any]:
    names = DRAFT_FIELDS - {"families", "participants"}
    initial: dict[str, Any] = {name: getattr(campaign, name) for name in names}
    initial["families"] = list(campaign.families.all())
    initial["participants"] = [p.organisation for p in campaign.participants.all()]
    return initial


class ResponseForm(forms.Form):
    """An ISP's answer to a campaign: accept (with its own goal if it wants) or decline."""

    answer = forms.ChoiceField(
        label=_("Our answer"),
        choices=[("accept", _("We take part")), ("decline", _("We decline"))],
        widget=forms.RadioSelect,
    )
    goal_reduction = forms.IntegerField(
        label=_("Our own goal: fewer infected addresses (%)"),
        min_value=1,
        max_value=100,
        required=False,
        help_text=_("Leave empty to take the campaign's goal."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def save(self, actor: User | None, participant: Participant) -> Participant:
        """Record the answer for ``participant``; return it."""
        data = self.cleaned_data
        return services.respond_to_campaign(
            actor,
            participant,
            accept=data["answer"] == "accept",
            note=data["note"],
            goal_reduction=data["goal_reduction"],
        )


class ActionForm(forms.Form):
    """What an ISP did for a campaign, on which day."""

    kind = forms.ChoiceField(label=_("What was done"), choices=ActionKind.choices)
    taken_on = forms.DateField(label=_("Day"), widget=_date_input())
    count = forms.IntegerField(
        label=_("How many (subscribers, devices, domains…)"), min_value=0, required=False
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, participant: Participant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.participant = participant
        today = timezone.now().astimezone(dt.UTC).date()
        attrs = self.fields["taken_on"].widget.attrs
        attrs["max"] = today.isoformat()
        if participant is not None:
            campaign = participant.campaign
            attrs["min"] = campaign.starts_on.isoformat()
            attrs["max"] = min(today, campaign.ends_on).isoformat()

    def clean_taken_on(self) -> dt.date:
        day: dt.date = self.cleaned_data["taken_on"]
        if day > timezone.now().astimezone(dt.UTC).date():
            raise forms.ValidationError(_("The day cannot be in the future."))
        return day

    def save(self, actor: User | None, participant: Participant) -> CampaignAction:
        """Record the action for ``participant``; return it."""
        data = self.cleaned_data
        return services.record_action(
            actor,
            participant,
            kind=data["kind"],
            taken_on=data["taken_on"],
            count=data["count"],
            description=data["description"],
        )
