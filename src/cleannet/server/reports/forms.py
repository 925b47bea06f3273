"""The public report forms, one per kind. They work without JavaScript; a refused value is
shown next to its field. ``website`` is a honeypot: hidden from people, filled by robots."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.phone import normalise_phone
from cleannet.server.reports import targets
from cleannet.server.reports.models import ReportKind
from cleannet.server.reports.options import MIB, current_options

HONEYPOT = "website"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files from one ``<input type=file multiple>``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


def _normalised(value: str, normalise: Callable[[str], str]) -> str:
    try:
        return normalise(value)
    except InvalidValue as error:
        raise forms.ValidationError(
            _("This is not valid: %(reason)s."), params={"reason": error.reason}
        ) from None


class ReportForm(forms.Form):
    """The fields every report has; subclasses add what their kind is about."""

    kind: str = ""
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("What happened?"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    reporter_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    reporter_email = forms.EmailField(
        label=_("Your e-mail (for the confirmation and our replies)"), required=False
    )
    reporter_phone = forms.CharField(label=_("Your phone"), max_length=40, required=False)
    keep_confidential = forms.BooleanField(label=_("Keep my identity confidential"), required=False)
    attachments = MultipleFileField(
        label=_("Files (screenshots, e-mails, suspicious files)"), required=False
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_reporter_phone(self) -> str:
        value: str = self.cleaned_data["reporter_phone"].strip()
        return _normalised(value, normalise_phone) if value else ""

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        opts = current_options()
        if len(files) > opts.max_attachments:
            raise forms.ValidationError(
                _("At most %(n)d files per report."), params={"n": opts.max_attachments}
            )
        for upload in files:
            if (upload.size or 0) > opts.max_attachment_bytes:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)d MB."),
                    params={"name": upload.name, "mb": opts.max_attachment_bytes // MIB},
                )
        return files

    def is_robot(self) -> bool:
        """True when the hidden field was filled (call after ``is_valid``)."""
        return bool(self.data.get(HONEYPOT, "").strip())


class _UrlMixin(forms.Form):
    def clean_target_url(self) -> str:
        return _normalised(self.cleaned_data.get("target_url", ""), targets.normalise_url)


class _DomainMixin(forms.Form):
    def clean_target_domain(self) -> str:
        value = self.cleaned_data.get("target_domain", "")
        return _normalised(value, targets.normalise_domain_field)


class _IpMixin(forms.Form):
    def clean_target_ip(self) -> str:
        return _normalised(self.cleaned_data.get("target_ip", ""), targets.normalise_ip_field)


def _url(label: Any, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=2048, required=required)


class MalwareReportForm(_IpMixin, _UrlMixin, ReportForm):
    kind = ReportKind.MALWARE
    target_ip = forms.CharField(
        label=_("IP address of the infected device, if you know it"), required=False
    )
    target_url = _url(_("Where did the malware come from (a link)?"))
    field_order = ["title", "target_ip", "target_url", "description"]


class PhishingReportForm(_UrlMixin, ReportForm):
    kind = ReportKind.PHISHING
    target_url = _url(_("Address (URL) of the fake site"), required=True)
    field_order = ["target_url", "title", "description"]


class DataLeakReportForm(_DomainMixin, _UrlMixin, ReportForm):
    kind = ReportKind.DATA_LEAK
    target_domain = forms.CharField(
        label=_("Which organisation's site leaked the data (domain)?"),
        max_length=253,
        required=False,
    )
    target_url = _url(_("Where is the leaked data published (a link)?"))
    field_order = ["title", "target_domain", "target_url", "description"]


class VulnerabilityReportForm(_IpMixin, _DomainMixin, _UrlMixin, ReportForm):
    kind = ReportKind.VULNERABILITY
    target_url = _url(_("Affected address (URL)"))
    target_domain = forms.CharField(label=_("Affected domain"), max_length=253, required=False)
    target_ip = forms.CharField(label=_("Affected IP address"), required=False)
    field_order = ["title", "target_url", "target_domain", "target_ip", "description"]
