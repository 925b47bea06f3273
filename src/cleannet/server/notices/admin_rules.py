"""Back office of owner-report rules: authority staff create and change them through
``owner_report_rules.save_rule``, so the form refuses what the service refuses (on the field
at fault) and every change is audited once."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.networks.audited_admin import AuditedAdmin
from cleannet.server.notices.models import ReportRule
from cleannet.server.notices.owner_report_rules import check_rule, save_rule


class ReportRuleForm(forms.ModelForm):  # type: ignore[type-arg]
    classifications = forms.CharField(
        label=_("classification types"),
        required=False,
        help_text=_("Separated by commas or lines; empty for every type."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = ReportRule
        fields = (
            "organisation", "contact", "recipients", "classifications", "format", "interval",
            "enabled",
        )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["classifications"] = ", ".join(self.instance.classifications)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors or data.get("organisation") is None:
            return data
        try:
            data["recipients"], data["classifications"] = check_rule(
                data["organisation"], data.get("recipients", ""), data.get("classifications", ""),
                data["format"], data["interval"], data.get("contact"),
            )  # fmt: skip
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class ReportRuleAdmin(AuditedAdmin):
    """Rules: authority staff edit; the watermark and last run are the runner's."""

    form = ReportRuleForm
    edit_roles = frozenset(AUTHORITY_ROLES)
    list_display = (
        "organisation", "interval", "format", "enabled", "last_run_at", "last_event_id",
    )  # fmt: skip
    list_filter = ("enabled", "interval", "format")
    search_fields = ("organisation__name",)
    readonly_fields = ("last_event_id", "last_run_at", "created_at")

    def _save(self, actor: User, obj: ReportRule, form: Any, rule: ReportRule | None) -> Any:
        data = form.cleaned_data
        return save_rule(
            actor, data["organisation"], rule=rule, recipients=data["recipients"],
            classifications=data["classifications"], format=data["format"],
            interval=data["interval"], contact=data.get("contact"), enabled=data["enabled"],
        )  # fmt: skip

    def add_with_service(self, actor: User, obj: models.Model, form: Any) -> models.Model | None:
        assert isinstance(obj, ReportRule)
        return self._save(actor, obj, form, None)  # type: ignore[no-any-return]

    def change_with_service(self, actor: User, obj: models.Model, form: Any) -> bool:
        assert isinstance(obj, ReportRule)
        self._save(actor, obj, form, obj)
        return True
