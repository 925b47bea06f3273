"""Back office: authority staff write advisories and correct encyclopedia pages.

Advisories are published and changed through the services (audited); an edited page is
marked ``edited`` so that loading the shipped data again keeps the staff's text.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.admin_site import admin_site
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.encyclopedia import services
from cleannet.server.encyclopedia.models import Advisory, FamilyProfile
from cleannet.server.networks.audited_admin import AuditedAdmin

EDITORS = frozenset(AUTHORITY_ROLES)


class AdvisoryForm(forms.ModelForm):  # type: ignore[type-arg]
    link = forms.URLField(label=_("link"), required=False, max_length=500, assume_scheme="https")

    class Meta:
        model = Advisory
        exclude = ("author",)


class AdvisoryAdmin(AuditedAdmin):
    form = AdvisoryForm
    edit_roles = EDITORS
    list_display = ("title_vi", "title_en", "severity", "published_at", "author")
    list_filter = ("severity",)
    search_fields = ("title_vi", "title_en", "summary_vi", "summary_en")
    date_hierarchy = "published_at"
    filter_horizontal = ("families",)
    exclude = ("author",)

    def add_with_service(self, actor: User, obj: models.Model, form: Any) -> Advisory:
        data = form.cleaned_data
        return services.publish_advisory(
            actor,
            **{name: data[name] for name in services.ADVISORY_TEXTS},
            severity=data["severity"],
            published_at=data["published_at"],
            families=data["families"],
            link=data["link"],
        )

    def change_with_service(self, actor: User, obj: models.Model, form: Any) -> bool:
        assert isinstance(obj, Advisory)
        services.update_advisory(actor, obj, {}, families=form.cleaned_data["families"])
        return True


class FamilyProfileAdmin(AuditedAdmin):
    edit_roles = EDITORS
    list_display = ("family", "severity", "attack_id", "edited", "updated_at")
    list_filter = ("severity", "edited")
    search_fields = ("family__name", "family__aliases__alias")
    readonly_fields = ("edited",)

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj.edited = True  # the shipped data no longer overwrites this page
        super().save_model(request, obj, form, change)


admin_site.register(Advisory, AdvisoryAdmin)
admin_site.register(FamilyProfile, FamilyProfileAdmin)
