"""The organisation's notice form and the short forms of the follow-up."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.server.breachnotices import checks, clock
from cleannet.server.breachnotices.models import BreachNotice, DataType
from cleannet.server.breachnotices.services import EDITABLE_FIELDS

LOCAL_TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _local_time_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_TIME_FORMAT)


class BreachNoticeForm(forms.ModelForm):  # type: ignore[type-arg]
    """What happened, to which data, what is done about it, and whom to call.

    ``filing`` (the "File" button) adds the law's rule that a late notice says why.
    """

    data_types = forms.MultipleChoiceField(
        label=_("Types of personal data"),
        choices=DataType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = BreachNotice
        fields = EDITABLE_FIELDS
        widgets = {
            "occurred_at": _local_time_widget(),
            "discovered_at": _local_time_widget(),
            "what_happened": forms.Textarea(attrs={"rows": 4}),
            "likely_consequences": forms.Textarea(attrs={"rows": 3}),
            "measures_taken": forms.Textarea(attrs={"rows": 3}),
            "measures_planned": forms.Textarea(attrs={"rows": 3}),
            "affected_people_message": forms.Textarea(attrs={"rows": 4}),
            "late_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, filing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.filing = filing
        zone = settings.TIME_ZONE
        for name in ("occurred_at", "discovered_at"):
            field = self.fields[name]
            assert isinstance(field, forms.DateTimeField)
            field.input_formats = [LOCAL_TIME_FORMAT, "%Y-%m-%d %H:%M"]
            self.fields[name].help_text = _("Local time (%(zone)s).") % {"zone": zone}
        self.fields["discovered_at"].help_text = _(
            "The 72-hour clock starts here. Local time (%(zone)s)."
        ) % {"zone": zone}
        self.fields["late_reason"].help_text = _(
            "Required when the notice is filed more than 72 hours after discovery."
        )
        self.fields["notify_affected_through_notices"].help_text = _(
            "CleanNet will send the message below to the affected people once its notices "
            "service is available."
        )

    def clean_contact_phone(self) -> str:
        # Checked here as well as in the service, so the form shows it with other errors.
        raw: str = self.cleaned_data["contact_phone"]
        if (reason := checks.phone_error(raw)) is not None:
            raise forms.ValidationError(reason)
        return raw

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        discovered_at = data.get("discovered_at")
        if self.filing and discovered_at is not None:
            reason = data.get("late_reason") or ""
            notice = BreachNotice(due_at=clock.due_at(discovered_at), late_reason=reason)
            for field, message in checks.check_late_reason(notice, timezone.now()).items():
                self.add_error(field, message)
        return data


class FollowUpForm(forms.Form):
    message = forms.CharField(
        label=_("What should the organisation add or do?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class AnswerForm(forms.Form):
    message = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )


class CloseForm(forms.Form):
    note = forms.CharField(
        label=_("Closing note to the organisation (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=5000,
        required=False,
    )
