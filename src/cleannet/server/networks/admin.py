"""Back office for networks: analysts and authority admins edit; every write is audited."""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cleannet.core.indicators import IndicatorKind
from cleannet.server.accounts.admin_site import admin_site
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.networks import services
from cleannet.server.networks.audited_admin import AuditedAdmin, ServiceCheckedForm
from cleannet.server.networks.models import AbuseContact, AutonomousSystem, Prefix

# Analysts keep the network registry up to date; both authority roles may edit it.
EDITORS = frozenset(AUTHORITY_ROLES)


class PrefixForm(ServiceCheckedForm):
    class Meta:
        model = Prefix
        fields = ("cidr", "organisation", "asn", "valid_from", "valid_until", "note")

    def service_check(self, data: dict[str, Any]) -> None:
        if self.instance.pk is None:
            services.check_prefix(
                data["cidr"],
                data["organisation"],
                data["valid_from"],
                data.get("valid_until"),
                data.get("asn"),
                data.get("note", ""),
            )
            return
        changed = copy.copy(self.instance)
        changed.valid_until = data.get("valid_until")
        services.check_validity(changed)


class PrefixAdmin(AuditedAdmin):
    form = PrefixForm
    edit_roles = EDITORS
    list_display = ("cidr", "organisation", "asn", "valid_from", "valid_until", "note")
    list_filter = ("family", "organisation", ("valid_until", admin.EmptyFieldListFilter))
    search_fields = ("cidr", "organisation__name", "organisation__slug", "=asn__number", "note")
    list_select_related = ("organisation", "asn")
    autocomplete_fields = ("organisation", "asn")
    date_hierarchy = "valid_from"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # The block, holder and start are history: end the holding and add a new one.
        return ("cidr", "organisation", "valid_from") if obj is not None else ()

    def add_with_service(self, actor: User, obj: Any, form: Any) -> Prefix:
        data = form.cleaned_data
        return services.add_prefix(
            actor,
            data["cidr"],
            data["organisation"],
            data["valid_from"],
            data.get("valid_until"),
            data.get("asn"),
            data.get("note", ""),
        )

    def change_with_service(self, actor: User, obj: Any, form: Any) -> bool:
        data = form.cleaned_data
        saved = services.edit_prefix(
            actor,
            obj,
            valid_until=data.get("valid_until"),
            asn=data.get("asn"),
            note=data.get("note", ""),
        )
        obj.valid_until, obj.asn, obj.note = saved.valid_until, saved.asn, saved.note
        return True


class AutonomousSystemForm(ServiceCheckedForm):
    class Meta:
        model = AutonomousSystem
        fields = ("number", "name", "organisation", "country")

    def clean_country(self) -> str:
        return str(self.cleaned_data["country"]).upper()


class AutonomousSystemAdmin(AuditedAdmin):
    form = AutonomousSystemForm
    edit_roles = EDITORS
    list_display = ("number", "name", "organisation", "country")
    list_filter = ("country",)
    search_fields = ("=number", "name", "organisation__name")
    list_select_related = ("organisation",)
    autocomplete_fields = ("organisation",)

    def add_with_service(self, actor: User, obj: Any, form: Any) -> AutonomousSystem:
        data = form.cleaned_data
        return services.add_autonomous_system(
            actor, data["number"], data["name"], data.get("organisation"), data["country"]
        )


class AbuseContactForm(ServiceCheckedForm):
    class Meta:
        model = AbuseContact
        fields = ("organisation", "prefix", "name", "email", "phone", "language", "is_primary")

    def clean_phone(self) -> str:
        phone = str(self.cleaned_data.get("phone", "")).strip()
        return services.normalised(IndicatorKind.PHONE, phone, "phone") if phone else ""

    def service_check(self, data: dict[str, Any]) -> None:
        prefix = data.get("prefix")
        if prefix is not None and prefix.organisation_id != data["organisation"].pk:
            raise ValidationError({"prefix": _("This prefix belongs to another organisation.")})

    def validate_unique(self) -> None:
        # A new primary contact replaces the old one in the service, so only a change is
        # held to "one primary per scope" here.
        if self.instance.pk is not None:
            super().validate_unique()


class AbuseContactAdmin(AuditedAdmin):
    form = AbuseContactForm
    edit_roles = EDITORS
    list_display = ("name", "organisation", "prefix", "email", "phone", "language", "is_primary")
    list_filter = ("language", "is_primary")
    search_fields = ("name", "email", "phone", "organisation__name", "prefix__cidr")
    list_select_related = ("organisation", "prefix")
    autocomplete_fields = ("organisation", "prefix")

    def add_with_service(self, actor: User, obj: Any, form: Any) -> AbuseContact:
        data = form.cleaned_data
        return services.add_abuse_contact(
            actor,
            data["organisation"],
            data["name"],
            data["email"],
            data.get("phone", ""),
            data["language"],
            data.get("is_primary", False),
            data.get("prefix"),
        )


admin_site.register(Prefix, PrefixAdmin)
admin_site.register(AutonomousSystem, AutonomousSystemAdmin)
admin_site.register(AbuseContact, AbuseContactAdmin)
