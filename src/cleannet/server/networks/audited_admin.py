"""A back-office base class whose every write leaves an audit entry.

Adds go through the app's service when a subclass names one (``add_with_service``), so
the back office applies the same checks as the API; other writes are saved and audited
here. Form classes use ``ServiceCheckedForm`` to show a service's ``ValidationError``
on the form instead of failing on save.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import HttpRequest

from cleannet.server.accounts.admin_site import RoleAdmin
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User


def audit_name(model: type[models.Model] | models.Model) -> str:
    """Return the audit name services use for a model: ``MalwareAlias`` -> ``malware_alias``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", model._meta.object_name or "").lower()


def adopt(target: models.Model, saved: models.Model) -> None:
    """Copy the field values of ``saved`` onto ``target`` (the object the admin holds)."""
    for field in saved._meta.concrete_fields:
        setattr(target, field.attname, getattr(saved, field.attname))
    target._state.adding = False


class ServiceCheckedForm(forms.ModelForm):  # type: ignore[type-arg]
    """A model form whose ``service_check`` may raise a service's ``ValidationError``."""

    def service_check(self, data: dict[str, Any]) -> None:
        """Raise ``ValidationError`` if the service would refuse ``data``."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if self.errors:
            return data
        try:
            self.service_check(data)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return data


class AuditedAdmin(RoleAdmin):
    """A ``RoleAdmin`` that records an audit entry for each add, change and delete."""

    def _action(self, obj: models.Model, verb: str) -> str:
        return f"{audit_name(obj)}.{verb}"

    def add_with_service(
        self,
        actor: User,
        obj: models.Model,
        form: forms.ModelForm,  # type: ignore[type-arg]
    ) -> models.Model | None:
        """Create ``obj`` through the app's service and return it; None to save it here."""
        return None

    def change_with_service(
        self,
        actor: User,
        obj: models.Model,
        form: forms.ModelForm,  # type: ignore[type-arg]
    ) -> bool:
        """Apply the change through the app's service; return False to save it here."""
        return False

    @transaction.atomic
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        if not change:
            saved = self.add_with_service(actor, obj, form)
            if saved is not None:
                adopt(obj, saved)
                return
            obj.save()
            record_change(actor, self._action(obj, "add"), obj, after=snapshot(obj))
            return
        if self.change_with_service(actor, obj, form):
            return
        before = snapshot(type(obj)._default_manager.get(pk=obj.pk))
        obj.save()
        record_change(actor, self._action(obj, "edit"), obj, before, snapshot(obj))

    @transaction.atomic
    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before, pk = snapshot(obj), obj.pk
        obj.delete()
        obj.pk = pk  # the audit entry names what was deleted
        record_change(request.user, self._action(obj, "delete"), obj, before=before)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    @transaction.atomic
    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        actor: User = request.user  # type: ignore[assignment]
        instances = formset.save(commit=False)
        for gone in formset.deleted_objects:
            removed, pk = snapshot(gone), gone.pk
            gone.delete()
            gone.pk = pk
            record_change(actor, f"{audit_name(gone)}.delete", gone, before=removed)
        for obj in instances:
            adding = obj._state.adding
            before = None if adding else snapshot(type(obj)._default_manager.get(pk=obj.pk))
            obj.save()
            verb = "add" if adding else "edit"
            record_change(actor, f"{audit_name(obj)}.{verb}", obj, before, snapshot(obj))
        formset.save_m2m()
