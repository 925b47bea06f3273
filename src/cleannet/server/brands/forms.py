"""The brand workspace's forms, the analysts' decision form and the public URL-check form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cleannet.server.brands.models import ControlMethod
from cleannet.server.brands.urlcheck import MAX_URL_LENGTH


class BrandForm(forms.Form):
    key = forms.SlugField(
        label=_("Key"),
        max_length=60,
        help_text=_("A short name in lower-case letters, digits and hyphens, e.g. demo-bank."),
    )
    name = forms.CharField(label=_("Brand name"), max_length=200)
    keywords = forms.CharField(
        label=_("Keywords"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "The words a fake site would use, separated by commas (e.g. demobank, dmb). "
            "The brand name is used when empty."
        ),
    )
    domains = forms.CharField(
        label=_("Official domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One registrable domain per line, subsidiaries included (e.g. demobank.vn)."),
    )

    def domain_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("Official domain"), max_length=253)
    control_method = forms.ChoiceField(
        label=_("How you will prove control"),
        choices=ControlMethod.choices,
        initial=ControlMethod.DNS_TXT,
    )


class DecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note (kept internal)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UrlCheckForm(forms.Form):
    url = forms.CharField(
        label=_("Address of the site (URL)"),
        max_length=MAX_URL_LENGTH,
        widget=forms.TextInput(attrs={"inputmode": "url", "autocomplete": "off"}),
    )
