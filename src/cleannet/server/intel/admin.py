"""Back office for intel: analysts edit families, feeds, indicators; events and runs read-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, admin_site
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.intel import services
from cleannet.server.intel.models import (
    Event,
    Evidence,
    Feed,
    FeedRun,
    Indicator,
    MalwareAlias,
    MalwareFamily,
    RejectedRow,
)
from cleannet.server.networks.audited_admin import AuditedAdmin, ServiceCheckedForm

EDITORS = frozenset(AUTHORITY_ROLES)
REJECTED_ROWS_SHOWN = 20


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
        "__str__",
        "format",
        "started_at",
        "status",
        "read",
        "accepted",
        "rejected",
        "duplicates",
        "events_created",
        "events_merged",
    )
    list_filter = ("status", "format", "feed")
    list_select_related = ("feed",)
    search_fields = ("source_name", "=content_digest")
    date_hierarchy = "started_at"
    readonly_fields = ("rejected_rows_kept",)

    @admin.display(description=_("rejected rows kept for review"))
    def rejected_rows_kept(self, run: FeedRun) -> str:
        """The first rejected rows of the run as a table, and a link to all that were kept."""
        rows = RejectedRow.objects.filter(run=run).order_by("id")
        shown = list(rows[:REJECTED_ROWS_SHOWN])
        if not shown:
            return "—"
        url = reverse("admin:intel_rejectedrow_changelist") + f"?run__id__exact={run.pk}"
        table = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            ((r.source_name, r.row, r.field or "—", r.reason) for r in shown),
        )
        return format_html(
            '<p><a href="{}">{}</a></p><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>'
            "</tr>{}</table>",
            url, _("All %(count)s kept") % {"count": rows.count()},
            _("source"), _("row"), _("field"), _("reason"), table,
        )  # fmt: skip


class RejectedRowAdmin(ReadOnlyAdmin):
    """Rows a run refused, for review; reached from the run's page, filtered to it."""

    list_display = ("run", "source_name", "row", "field", "reason")
    list_filter = ("field",)
    list_select_related = ("run", "run__feed")
    search_fields = ("reason", "source_name")
    show_full_result_count = False


class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("source_name", "row", "recorded_at", "digest")
    search_fields = ("=digest", "source_name")
    show_full_result_count = False


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
        "count",
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
    readonly_fields = ("evidence_text",)
    date_hierarchy = "time_source"
    # Counting every event on each page is slow once there are millions.
    show_full_result_count = False

    @admin.display(description=_("evidence (raw line)"))
    def evidence_text(self, event: Event) -> str:
        return event.evidence.text if event.evidence else "—"


admin_site.register(MalwareFamily, MalwareFamilyAdmin)
admin_site.register(Feed, FeedAdmin)
admin_site.register(FeedRun, FeedRunAdmin)
admin_site.register(RejectedRow, RejectedRowAdmin)
admin_site.register(Evidence, EvidenceAdmin)
admin_site.register(Indicator, IndicatorAdmin)
admin_site.register(Event, EventAdmin)
