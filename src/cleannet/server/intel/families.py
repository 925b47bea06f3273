"""Malware families and their aliases: adding them and resolving the names feeds use."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.intel.models import MalwareAlias, MalwareFamily
from cleannet.server.intel.naming import alias_key


def _claim_alias(
    actor: User | None, family: MalwareFamily, name: str, field: str
) -> MalwareAlias | None:
    """Give ``family`` the alias key of ``name``; return the new alias, None if it had it.

    Raises ``ValidationError`` naming ``field`` if the name folds to nothing or already
    names another family.
    """
    key = alias_key(name)
    if not key:
        raise ValidationError({field: _("%(name)r is not a name.") % {"name": name}})
    existing = MalwareAlias.objects.select_related("family").filter(alias=key).first()
    if existing is not None:
        if existing.family_id == family.pk:
            return None
        raise ValidationError(
            {
                field: _("%(name)s already names %(family)s.")
                % {"name": name, "family": existing.family}
            }
        )
    alias = MalwareAlias.objects.create(family=family, alias=key)
    record_change(actor, "malware_alias.add", alias, after=snapshot(alias))
    return alias


@transaction.atomic
def add_family(
    actor: User | None,
    name: str,
    kind: str,
    aliases: Iterable[str] = (),
    *,
    slug: str = "",
    platforms: Sequence[str] = (),
    description_vi: str = "",
    description_en: str = "",
    reference_url: str = "",
) -> MalwareFamily:
    """Create a malware family; its name and every alias resolve to it from then on.

    Returns the family. Raises ``ValidationError`` naming ``name``/``slug`` (taken),
    ``kind`` (unknown) or ``aliases`` (an alias that already names another family).
    """
    family = MalwareFamily(
        name=name.strip(),
        slug=slug or slugify(name)[:100],
        kind=kind,
        platforms=[p.strip().lower() for p in platforms if p.strip()],
        description_vi=description_vi,
        description_en=description_en,
        reference_url=reference_url,
    )
    family.full_clean()
    family.save()
    record_change(actor, "malware_family.add", family, after=snapshot(family))
    claim_names(actor, family)
    for alias in aliases:
        _claim_alias(actor, family, alias, "aliases")
    return family


def claim_names(actor: User | None, family: MalwareFamily) -> None:
    """Make the family's own name and slug resolve to it (after a rename, too).

    Raises ``ValidationError`` naming ``name`` if the name already names another family.
    """
    _claim_alias(actor, family, family.name, "name")
    _claim_alias(actor, family, family.slug, "slug")


@transaction.atomic
def add_alias(actor: User | None, family: MalwareFamily, alias: str) -> MalwareAlias | None:
    """Add ``alias`` to ``family``; return the new alias, or None if the family had it.

    Raises ``ValidationError`` naming ``alias`` if it folds to nothing or names another family.
    """
    return _claim_alias(actor, family, alias, "alias")


def resolve_family(name_or_alias: str) -> MalwareFamily | None:
    """Return the family ``name_or_alias`` names (any spelling that folds alike), or None."""
    return resolve_families([name_or_alias]).get(alias_key(name_or_alias))


def resolve_families(names: Iterable[str]) -> dict[str, MalwareFamily]:
    """Return the families the ``names`` name, keyed by alias key, in one query.

    Names that name no family are missing from the answer.
    """
    keys = {alias_key(name) for name in names} - {""}
    if not keys:
        return {}
    rows = MalwareAlias.objects.select_related("family").filter(alias__in=keys)
    return {row.alias: row.family for row in rows}
