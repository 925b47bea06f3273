"""Defining scan scopes and opt-outs: the authority's administrators only, every change audited.

A scope is validated by building the engine's ``Scope`` from it, so what the platform stores
is exactly what the scanner accepts; the engine's ``ScopeError`` becomes a ``ValidationError``
naming the same field. Refused input raises ``ValidationError`` naming the field; the wrong
person ``PermissionDenied``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cleannet.engines.exposure.probes import PROBES
from cleannet.engines.exposure.scope import ScopeError
from cleannet.engines.feeds.schedule import cron_fields
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import Role
from cleannet.server.exposure.models import OptOut, ScanScope

__all__ = ["SCOPE_FIELDS", "add_opt_out", "define_scope", "require_admin", "update_scope"]

SCOPE_FIELDS = frozenset(
    {
        "name",
        "title",
        "owner",
        "networks",
        "hostnames",
        "ports",
        "probes",
        "approved_by",
        "approval_reference",
        "approved_until",
        "rate_per_second",
        "allow_wide",
        "schedule",
        "enabled",
    }
)
"""The fields ``define_scope`` and ``update_scope`` accept."""

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_HOSTNAME = re.compile(r"^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9-]{1,63}$")


def require_admin(actor: User | None) -> None:
    """Raise ``PermissionDenied`` unless ``actor`` is an active authority administrator."""
    if actor is None or not actor.has_role(Role.AUTHORITY_ADMIN):
        raise PermissionDenied(_("Only the authority's administrators may manage scan scopes."))


def define_scope(actor: User | None, **fields: Any) -> ScanScope:
    """Create a scope from ``fields`` (see ``SCOPE_FIELDS``); ``approved_by`` defaults to
    ``actor``. Audited as ``exposure.scope.define``."""
    require_admin(actor)
    fields.setdefault("approved_by", actor)
    scope = ScanScope()
    _assign(scope, fields)
    _validate(scope, check_expiry=True)
    with transaction.atomic():
        scope.save()
        record_change(actor, "exposure.scope.define", scope, after=snapshot(scope))
    return scope


def update_scope(actor: User | None, scope: ScanScope, **fields: Any) -> ScanScope:
    """Change the given fields of ``scope``; audited as ``exposure.scope.update`` with the
    before and after snapshots."""
    require_admin(actor)
    before = snapshot(scope)
    _assign(scope, fields)
    _validate(scope, check_expiry="approved_until" in fields)
    with transaction.atomic():
        scope.save()
        record_change(actor, "exposure.scope.update", scope, before=before, after=snapshot(scope))
    return scope


def add_opt_out(
    actor: User | None, *, network: str = "", hostname: str = "", reason: str
) -> OptOut:
    """Exclude ``network`` (CIDR) or ``hostname`` from every scope; audited."""
    require_admin(actor)
    opt_out = OptOut(
        network=_opt_out_network(network),
        hostname=_opt_out_hostname(hostname),
        reason=reason.strip(),
        added_by=actor,
    )
    if not opt_out.network and not opt_out.hostname:
        raise ValidationError({"network": _("Give a network or a host name.")})
    if opt_out.network and opt_out.hostname:
        raise ValidationError({"hostname": _("Give a network or a host name, not both.")})
    if not opt_out.reason:
        raise ValidationError({"reason": _("Say why it is opted out.")})
    with transaction.atomic():
        opt_out.save()
        record_change(actor, "exposure.optout.add", opt_out, after=snapshot(opt_out))
    return opt_out


# --- validation -----------------------------------------------------------------------------


def _assign(scope: ScanScope, fields: dict[str, Any]) -> None:
    unknown = sorted(set(fields) - SCOPE_FIELDS)
    if unknown:
        raise ValidationError({unknown[0]: _("Not a field of a scan scope.")})
    for name, value in fields.items():
        setattr(scope, name, _cleaned(name, value))


def _cleaned(name: str, value: Any) -> Any:
    if name == "hostnames":
        names = (str(v).strip().rstrip(".").lower() for v in _as_list(name, value))
        return [n for n in names if n]
    if name in ("networks", "probes"):
        return [str(v).strip() for v in _as_list(name, value) if str(v).strip()]
    if name == "ports":
        return _ports(value)
    if name == "approved_until" and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({name: _("Give a date as YYYY-MM-DD.")}) from None
    if name in ("name", "title", "approval_reference", "schedule"):
        return str(value or "").strip()
    return value


def _as_list(name: str, value: Any) -> list[Any]:
    if isinstance(value, str):
        return value.replace(",", " ").split()
    if not isinstance(value, Iterable):
        raise ValidationError({name: _("Give a list.")})
    return list(value)


def _ports(value: Any) -> list[int]:
    ports: list[int] = []
    for item in _as_list("ports", value):
        try:
            port = int(item)
        except (TypeError, ValueError):
            raise ValidationError({"ports": _("Ports are whole numbers.")}) from None
        if not 1 <= port <= 65535:
            raise ValidationError({"ports": _("Ports run from 1 to 65535.")})
        ports.append(port)
    return sorted(set(ports))


def _validate(scope: ScanScope, *, check_expiry: bool) -> None:
    """Raise ``ValidationError`` naming the first field ``scope`` gets wrong."""
    if not _SLUG.match(scope.name):
        raise ValidationError({"name": _("Use lower-case letters, digits and hyphens.")})
    if ScanScope.objects.filter(name=scope.name).exclude(pk=scope.pk).exists():
        raise ValidationError({"name": _("A scope of that name exists already.")})
    if not scope.title:
        raise ValidationError({"title": _("Give the scope a title.")})
    if not scope.owner_id:
        raise ValidationError({"owner": _("Say whose networks these are.")})
    if not scope.approval_reference:
        raise ValidationError(
            {"approval_reference": _("Name the document or decision that authorises the scan.")}
        )
    _validate_approval(scope.approved_until, check_expiry)
    _validate_hostnames(scope.hostnames)
    _validate_probes(scope.probes)
    _validate_schedule(scope.schedule)
    if isinstance(scope.rate_per_second, bool) or not isinstance(scope.rate_per_second, int):
        raise ValidationError({"rate_per_second": _("Give a whole number of connections.")})
    if not 1 <= scope.rate_per_second <= 100_000:
        raise ValidationError({"rate_per_second": _("Give between 1 and 100000 per second.")})
    try:
        scope.to_engine_scope()
    except ScopeError as error:
        raise ValidationError({error.field: error.reason}) from None


def _validate_approval(approved_until: Any, check_expiry: bool) -> None:
    if not isinstance(approved_until, dt.date):
        raise ValidationError({"approved_until": _("Give the date the approval runs out.")})
    if check_expiry and approved_until < timezone.localdate():
        raise ValidationError({"approved_until": _("The approval has run out already.")})


def _validate_hostnames(hostnames: list[str]) -> None:
    for name in hostnames:
        if not _HOSTNAME.match(name):
            raise ValidationError({"hostnames": _("%(name)s is not a host name.") % {"name": name}})


def _validate_probes(probes: list[str]) -> None:
    unknown = [name for name in probes if name not in PROBES]
    if unknown:
        message = _("Unknown probe %(name)s; known: %(known)s.")
        raise ValidationError(
            {"probes": message % {"name": unknown[0], "known": ", ".join(PROBES)}}
        )


def _validate_schedule(schedule: str) -> None:
    if not schedule:
        return
    try:
        cron_fields(schedule)
    except ValueError as error:
        raise ValidationError({"schedule": str(error)}) from None


def _opt_out_network(network: str) -> str:
    text = network.strip()
    if not text:
        return ""
    try:
        return str(ipaddress.ip_network(text, strict=False))
    except ValueError:
        raise ValidationError({"network": _("Give a network such as 203.0.113.0/24.")}) from None


def _opt_out_hostname(hostname: str) -> str:
    name = hostname.strip().rstrip(".").lower()
    if name and not _HOSTNAME.match(name):
        raise ValidationError({"hostname": _("That is not a host name.")})
    return name
