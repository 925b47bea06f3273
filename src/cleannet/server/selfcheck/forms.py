"""The address form authority staff use to check any address (others never see it)."""

from __future__ import annotations

import ipaddress

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cleannet.server.selfcheck.clientip import Address


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("IP address to check"),
        required=False,
        max_length=64,
        help_text=_("IPv4 or IPv6. Leave empty to check your own address."),
    )

    def clean_address(self) -> Address | None:
        text = self.cleaned_data["address"].strip()
        if not text:
            return None
        try:
            address = ipaddress.ip_address(text)
        except ValueError as error:
            raise ValidationError(
                _("%(value)s is not an IPv4 or IPv6 address."), params={"value": text[:64]}
            ) from error
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
            return address.ipv4_mapped
        return address
