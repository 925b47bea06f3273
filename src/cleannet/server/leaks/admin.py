"""Back office: the breach registry with its hash counts (never people), and the SMS outbox.

Authority staff read everything; authority admins edit a breach's details (through the
registry services, audited). Deleting a breach deletes its store files. Data comes in
through ``cleannet leaks import`` only, so stores are read-only here.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet, Sum
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import ReadOnlyAdmin, RoleAdmin, admin_site
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.leaks import registry
from cleannet.server.leaks.models import Breach, BreachStore, DataClass, SmsOutboxMessage


class BreachForm(forms.ModelForm):  # type: ignore[type-arg]
    data_classes = forms.MultipleChoiceField(
        label=_("data exposed"),
        choices=DataClass.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Breach
        fields = (
            "name",
            "title",
            "organisation",
            "occurred_on",
            "discovered_on",
            "published_on",
            "data_classes",
            "record_count",
            "sensitive",
            "source",
            "description",
        )


class BreachStoreInline(admin.TabularInline):  # type: ignore[type-arg]
    model = BreachStore
    fields = ("kind", "hashes", "rows_read", "rows_used", "rows_bad", "imported_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return getattr(request.user, "role", None) in AUTHORITY_ROLES

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BreachAdmin(RoleAdmin):
    form = BreachForm
    inlines = (BreachStoreInline,)
    list_display = (
        "title",
        "name",
        "organisation",
        "occurred_on",
        "sensitive",
        "record_count",
        "stored_hashes",
    )
    list_filter = ("sensitive", "organisation")
    search_fields = ("name", "title", "organisation__name")
    list_select_related = ("organisation",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Breach]:
        breaches: QuerySet[Breach] = super().get_queryset(request)
        return breaches.annotate(total_hashes=Sum("stores__hashes"))

    @admin.display(description=_("stored hashes"), ordering="total_hashes")
    def stored_hashes(self, obj: Breach) -> int:
        return getattr(obj, "total_hashes", None) or 0

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("name",) if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: Breach, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in registry.EDITABLE}
        if change:
            registry.edit_breach(request.user, obj, **data)  # type: ignore[arg-type]
            return
        saved = registry.add_breach(request.user, form.cleaned_data["name"], **data)  # type: ignore[arg-type]
        obj.pk, obj._state.adding = saved.pk, False

    def delete_model(self, request: HttpRequest, obj: Breach) -> None:
        registry.delete_breach(request.user, obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Breach]) -> None:
        for breach in queryset:
            registry.delete_breach(request.user, breach)  # type: ignore[arg-type]


class SmsOutboxAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "recipient_hint", "text")
    search_fields = ("=recipient_digest",)


admin_site.register(Breach, BreachAdmin)
admin_site.register(SmsOutboxMessage, SmsOutboxAdmin)
