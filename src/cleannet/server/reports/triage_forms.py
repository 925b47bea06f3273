"""Forms of the triage pages: the queue's filters and the actions on one report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.brands.models import Brand
from cleannet.server.reports.models import Report, ReportKind, ReportStatus
from cleannet.server.reports.triage_services import MAX_MESSAGE_LENGTH, next_statuses

ANY = [("", _("Any"))]


class QueueFilterForm(forms.Form):
    """The queue's filters (GET); every field optional, a bad value is ignored by ``filters``."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        help_text=_("Tracking number, URL, domain, IP address or title"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=ANY + ReportKind.choices)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Not closed")), ("all", _("All")), *ReportStatus.choices],
    )
    who = forms.ChoiceField(
        label=_("Assigned"),
        required=False,
        choices=[*ANY, ("me", _("To me")), ("nobody", _("Unassigned"))],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("newest", _("Newest first")), ("due", _("Due soonest first"))],
    )

    def filters(self) -> dict[str, Any]:
        """The valid filters (invalid ones dropped, so a bad link still shows a queue)."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def staff_users() -> Any:
    return User.objects.filter(role__in=AUTHORITY_ROLES, is_active=True).order_by("username")


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = staff_users()  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=())
    duplicate_of = forms.CharField(
        label=_("Original report (for a duplicate)"),
        required=False,
        max_length=20,
        help_text=_("The tracking number of the report this one repeats"),
    )
    brand = forms.ModelChoiceField(
        label=_("Impersonated brand (for a phishing site)"),
        queryset=Brand.objects.all(),
        required=False,
        help_text=_("Used when the site does not already look like a registered brand"),
    )

    def __init__(self, report: Report, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReportStatus.choices)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            (value, labels[value]) for value in next_statuses(report.status)
        ]
        if report.kind != ReportKind.PHISHING:
            del self.fields["brand"]

    def clean_duplicate_of(self) -> Report | None:
        tracking = self.cleaned_data["duplicate_of"].strip().upper()
        if not tracking:
            return None
        original = Report.objects.filter(tracking_number=tracking).first()
        if original is None:
            raise forms.ValidationError(_("No report has this tracking number."))
        return original


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
