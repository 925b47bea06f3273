"""The public leak-check form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cleannet.core.errors import InvalidValue
from cleannet.server.leaks.checks import parse_identifier


class LeakCheckForm(forms.Form):
    identifier = forms.CharField(
        label=_("Your e-mail address or mobile number"),
        max_length=320,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "email", "inputmode": "email"}),
    )

    def clean_identifier(self) -> str:
        raw: str = self.cleaned_data["identifier"]
        try:
            parse_identifier(raw)
        except InvalidValue:
            raise forms.ValidationError(
                _("Enter an e-mail address or a Vietnamese phone number (such as 0912 345 678).")
            ) from None
        return raw
