"""The organisations' incident report: the initial report of Circular 20/2017/TT-BTTTT
("Báo cáo ban đầu sự cố mạng") on top of the common report fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cleannet.core.errors import InvalidValue
from cleannet.server.reports import targets
from cleannet.server.reports.forms import ReportForm
from cleannet.server.reports.models import ReportKind
from cleannet.server.reports.services import IncidentInput

# The browser's datetime-local value first, then what people type when it is a text box.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M", "%Y-%m-%d"]

# The form's sections, in order, for the template (a fieldset each).
SECTIONS = [
    (
        _("Reporting organisation"),
        ["organisation_name", "organisation_address", "organisation_phone", "organisation_email"],
    ),
    (_("Contact person"), ["contact_name", "contact_position", "contact_phone", "contact_email"]),
    (
        _("Affected system"),
        [
            "system_name",
            "system_operator",
            "system_governing_agency",
            "system_classification",
            "service_providers",
            "system_purpose",
        ],
    ),
    (_("The incident"), ["title", "description", "detected_at", "current_status"]),
    (_("Technical details"), ["operating_systems", "ip_addresses", "domains"]),
    (_("Files and confidentiality"), ["attachments", "keep_confidential"]),
]


def _text(label: Any, required: bool = False, rows: int = 0, max_length: int = 200) -> Any:
    if rows:
        widget = forms.Textarea(attrs={"rows": rows})
        return forms.CharField(label=label, required=required, widget=widget, max_length=5000)
    return forms.CharField(label=label, required=required, max_length=max_length)


class IncidentReportForm(ReportForm):
    kind = ReportKind.INCIDENT
    organisation_name = _text(_("Name of the organisation"), required=True)
    organisation_address = _text(_("Address"), required=True, max_length=300)
    organisation_phone = _text(_("Phone"), required=True, max_length=40)
    organisation_email = forms.EmailField(label=_("E-mail"))
    contact_name = _text(_("Name"))
    contact_position = _text(_("Position"))
    contact_phone = _text(_("Phone"), max_length=40)
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    system_name = _text(_("Name of the affected system"), required=True)
    system_operator = _text(_("Operating unit"))
    system_governing_agency = _text(_("Governing agency"))
    system_classification = _text(_("Classification level (1 to 5), if classified"), max_length=40)
    service_providers = _text(_("Service providers (ISP, outsourced operator)"), rows=2)
    system_purpose = _text(_("Purpose of the system"), rows=2)
    detected_at = forms.DateTimeField(
        label=_("When was the incident detected?"),
        input_formats=DATETIME_FORMATS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMATS[0]),
    )
    current_status = _text(_("Current status of the incident"), rows=3)
    operating_systems = _text(_("Operating systems and versions"), rows=2)
    ip_addresses = _text(_("IP addresses involved (one per line)"), rows=3)
    domains = _text(_("Domain names involved (one per line)"), rows=3)

    def _listed(self, name: str, kind: str) -> list[str]:
        try:
            return targets.normalise_list(self.cleaned_data.get(name, ""), name, kind)
        except InvalidValue as error:
            raise forms.ValidationError(
                _("%(value)s is not valid: %(reason)s."),
                params={"value": error.value, "reason": error.reason},
            ) from None

    def clean_ip_addresses(self) -> list[str]:
        return self._listed("ip_addresses", "ip")

    def clean_domains(self) -> list[str]:
        return self._listed("domains", "domain")

    def incident(self) -> IncidentInput:
        """The Circular 20/2017 details (call after ``is_valid``)."""
        names = IncidentInput.__dataclass_fields__
        return IncidentInput(**{name: self.cleaned_data[name] for name in names})
