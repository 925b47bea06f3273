"""Back office for intel: analysts edit families, feeds, indicators; events and runs read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.intel import services
from cleannet.server.intel.models import (
    Event,
    Feed,
    FeedRun,
    Indicator,
    MalwareAlias,
    MalwareFamily,
)
from cleannet.server.networks.audited_admin import AuditedAdmin, ServiceCheckedForm

EDITORS = frozenset(AUTHORITY_ROLES)


class MalwareAliasForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = MalwareAlias
        fields = ("alias",)

    def clean_alias(self) -> str:
        # Folded before the unique check, so "Agent Tesla" clashes with "agenttesla".
        key = services.alias_key(self.cleaned_data["alias"])
        if not key:
            raise ValidationError(_("This is not a name."))
        return key


def _is_editor(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and user.is_active and getattr(user, "role", "") in EDITORS)


class MalwareAliasInline(admin.TabularInline):  # type: ignore[type-arg]
    """Aliases inside the family page; rights follow roles, like ``RoleAdmin``."""

    model = MalwareAlias
    form = MalwareAliasForm
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_editor(request)


class MalwareFamilyForm(ServiceCheckedForm):
    reference_url = forms.URLField(label=_("reference"), required=False, assume_scheme="https")

    class Meta:
        model = MalwareFamily
        fields = (
            "name",
            "slug",
            "kind",
            "platforms",
            "description_vi",
            "description_en",
            "reference_url",
        )

    def service_check(self, data: dict[str, Any]) -> None:
        for field in ("name", "slug"):
            found = services.resolve_family(data[field])
            if found is not None and found.pk != self.instance.pk:
                raise ValidationError({field: _("This already names %(f)s.") % {"f": found}})


class MalwareFamilyAdmin(AuditedAdmin):
    form = MalwareFamilyForm
    edit_roles = EDITORS
    inlines = (MalwareAliasInline,)
    list_display = ("name", "kind", "slug", "reference_url")
    list_filter = ("kind",)
    search_fields = ("name", "slug", "aliases__alias")
    prepopulated_fields = {"slug": ("name",)}

    def add_with_service(self, actor: User, obj: Any, form: Any) -> MalwareFamily:
        data = form.cleaned_data
        return services.add_family(
            actor,
            data["name"],
            data["kind"],
            slug=data["slug"],
            platforms=data.get("platforms") or (),
            description_vi=data["description_vi"],
            description_en=data["description_en"],
            reference_url=data["reference_url"],
        )

    def save_related(self, request: Any, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        # A renamed family must still resolve by its new name.
        services.claim_names(request.user, form.instance)


class FeedForm(ServiceCheckedForm):
    url = forms.URLField(label="URL", required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Feed
        fields = (
            "name",
            "provider",
            "format",
            "url",
            "schedule",
            "tlp",
            "accuracy",
            "default_classification_type",
            "enabled",
        )

    def clean_schedule(self) -> str:
        return services.check_schedule(self.cleaned_data["schedule"])

    def clean_default_classification_type(self) -> str:
        return services.classification_type(self.cleaned_data["default_classification_type"])


class FeedAdmin(AuditedAdmin):
    form = FeedForm
    edit_roles = EDITORS
    list_display = ("name", "provider", "format", "schedule", "tlp", "accuracy", "enabled")
    list_filter = ("enabled", "provider", "format", "tlp")
    search_fields = ("name", "provider", "url")

    def add_with_service(self, actor: User, obj: Any, form: Any) -> Feed:
        data = dict(form.cleaned_data)
        return services.add_feed(
            actor, data.pop("name"), data.pop("provider"), data.pop("format"), **data
        )


class FeedRunAdmin(ReadOnlyAdmin):
    list_display = (
        "feed",
        "started_at",
        "finished_at",
        "status",
        "read",
        "accepted",
        "rejected",
        "duplicates",
    )
    list_filter = ("status", "feed")
    list_select_related = ("feed",)
    date_hierarchy = "started_at"


class IndicatorForm(ServiceCheckedForm):
    class Meta:
        model = Indicator
        fields = (
            "kind",
            "value",
            "family",
            "feed",
            "first_seen",
            "last_seen",
            "valid_from",
            "valid_until",
            "tlp",
            "confidence",
        )

    def service_check(self, data: dict[str, Any]) -> None:
        # Normalised before the model's unique check runs, so a spelling variant clashes.
        _, self.cleaned_data["value"] = services.normalise_indicator(data["kind"], data["value"])


class IndicatorAdmin(AuditedAdmin):
    form = IndicatorForm
    edit_roles = EDITORS
    list_display = ("value", "kind", "family", "confidence", "tlp", "first_seen", "last_seen")
    list_filter = ("kind", "tlp", "family", "feed")
    search_fields = ("value",)
    list_select_related = ("family",)
    autocomplete_fields = ("family",)
    date_hierarchy = "last_seen"
    show_full_result_count = False


class EventAdmin(ReadOnlyAdmin):
    list_display = (
        "time_source",
        "classification_type",
        "family",
        "source_ip",
        "source_port",
        "source_fqdn",
        "owner",
        "feed",
    )
    list_filter = (
        "classification_taxonomy",
        "classification_type",
        "tlp",
        ("owner", admin.RelatedOnlyFieldListFilter),
        ("family", admin.RelatedOnlyFieldListFilter),
        ("feed", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("=source_ip", "source_fqdn", "=event_hash", "classification_identifier")
    list_select_related = ("family", "owner", "feed")
    date_hierarchy = "time_source"
    # Counting every event on each page is slow once there are millions.
    show_full_result_count = False


admin_site.register(MalwareFamily, MalwareFamilyAdmin)
admin_site.register(Feed, FeedAdmin)
admin_site.register(FeedRun, FeedRunAdmin)
admin_site.register(Indicator, IndicatorAdmin)
admin_site.register(Event, EventAdmin)
