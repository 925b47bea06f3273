"""The audit log: every service function that changes state records one entry.

``record_change`` is called inside the same transaction as the change, so a change
without its audit entry (or the reverse) can never be committed.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models

from cleannet.server.accounts.models import AuditEntry, User

# Never copied into the audit log, whatever the model.
SECRET_FIELDS = frozenset({"password", "digest"})


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """Return the concrete field values of ``obj`` as JSON-safe data, secrets left out."""
    skip = SECRET_FIELDS | set(exclude)
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in skip:
            continue
        data[field.attname] = _json_value(field.value_from_object(obj))
    return data


def actor_label(actor: User | None) -> str:
    return actor.get_username() if actor is not None else "system"


def record_change(
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Store who did ``action`` to ``obj``; ``before``/``after`` are snapshots (None if absent)."""
    return AuditEntry.objects.create(
        actor=actor,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        before=before,
        after=after,
    )
