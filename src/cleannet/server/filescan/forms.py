"""The hash-only look-up form (the upload form is plain HTML: its file never goes through
a Django form, it is streamed by ``uploads``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cleannet.core.indicators.hashes import guess_hash_kind


class HashLookupForm(forms.Form):
    hash = forms.CharField(
        label=_("SHA-256, SHA-1 or MD5 of the file"),
        max_length=80,
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "class": "hash-input"}
        ),
    )

    def clean_hash(self) -> str:
        raw: str = self.cleaned_data["hash"]
        if guess_hash_kind(raw) is None:
            raise forms.ValidationError(
                _("Enter 64 (SHA-256), 40 (SHA-1) or 32 (MD5) hexadecimal digits.")
            )
        return raw.strip().lower()
