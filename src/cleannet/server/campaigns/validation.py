"""The field checks of campaign services: each refused field is collected, then all are
raised together as one ``ValidationError`` (a form shows every mistake at once).

Only ``services`` calls these; they set values on an unsaved campaign and never write.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidTaxonomy
from cleannet.core.taxonomy import classify
from cleannet.server.accounts.models import Organisation
from cleannet.server.accounts.roles import OrganisationKind
from cleannet.server.campaigns.models import ActionKind, Campaign
from cleannet.server.intel.models import MalwareFamily

FamilyRef = MalwareFamily | str
"""A malware family, or its slug."""
OrganisationRef = Organisation | str
"""An organisation, or its slug."""

DRAFT_FIELDS = frozenset(
    {
        "name",
        "slug",
        "starts_on",
        "ends_on",
        "families",
        "classification_types",
        "participants",
        "goal_reduction",
        "baseline_days",
        "summary_vi",
        "summary_en",
        "public",
    }
)
"""What may change in a draft (the keywords of ``create_campaign``)."""
ACTIVE_FIELDS = frozenset({"summary_vi", "summary_en", "public", "ends_on"})
"""What may change once launched (``ends_on`` only to a later day)."""
MAX_TEXT = 2000
MAX_BASELINE_DAYS = 90
_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")


@dataclass(frozen=True)
class Cleaned:
    families: list[MalwareFamily]
    organisations: list[Organisation]


def is_percent(value: object) -> bool:
    """Whether ``value`` is a whole number from 1 to 100."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 100


def _as_date(value: object, field: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[field] = _("Give a date as YYYY-MM-DD.")
        return None


def _clean_name(campaign: Campaign, name: object, errors: dict[str, str]) -> None:
    campaign.name = str(name).strip()
    others = Campaign.objects.exclude(pk=campaign.pk)
    if not campaign.name or len(campaign.name) > 200:
        errors["name"] = _("Give a name of at most 200 characters.")
    elif others.filter(name__iexact=campaign.name).exists():
        errors["name"] = _("Another campaign has this name.")


RESERVED_SLUGS = frozenset({"new"})
"""Short names a campaign may not take: ``/workspace/campaigns/new/`` is the creation page."""


def _clean_slug(campaign: Campaign, slug: object, errors: dict[str, str]) -> None:
    campaign.slug = str(slug).strip().lower()
    if not _SLUG.fullmatch(campaign.slug):
        errors["slug"] = _("Use 1–60 lower-case letters, digits and hyphens.")
    elif campaign.slug in RESERVED_SLUGS:
        errors["slug"] = _("This short name is taken by a page of the site.")
    elif Campaign.objects.exclude(pk=campaign.pk).filter(slug=campaign.slug).exists():
        errors["slug"] = _("Another campaign has this short name.")


def _clean_types(values: Iterable[str], errors: dict[str, str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    cleaned: list[str] = []
    for value in values:
        try:
            cleaned.append(classify(value).type)
        except InvalidTaxonomy as error:
            errors["classification_types"] = error.reason
    return list(dict.fromkeys(cleaned))


def _resolve_families(values: Iterable[FamilyRef], errors: dict[str, str]) -> list[MalwareFamily]:
    given = list(values)
    found = {f.slug: f for f in given if isinstance(f, MalwareFamily)}
    slugs = {v for v in given if isinstance(v, str)}
    found |= {f.slug: f for f in MalwareFamily.objects.filter(slug__in=slugs)}
    unknown = sorted(slugs - set(found))
    if unknown:
        errors["families"] = _("Unknown malware family: %(names)s.") % {"names": ", ".join(unknown)}
    return list(found.values())


def _resolve_isps(values: Iterable[OrganisationRef], errors: dict[str, str]) -> list[Organisation]:
    given = list(values)
    found = {o.slug: o for o in given if isinstance(o, Organisation)}
    slugs = {v for v in given if isinstance(v, str)}
    found |= {o.slug: o for o in Organisation.objects.filter(slug__in=slugs)}
    unknown = sorted(slugs - set(found))
    not_isps = sorted(o.name for o in found.values() if o.kind != OrganisationKind.ISP)
    if unknown:
        errors["participants"] = _("Unknown organisation: %(names)s.") % {
            "names": ", ".join(unknown)
        }
    elif not_isps:
        errors["participants"] = _("Not an ISP: %(names)s.") % {"names": ", ".join(not_isps)}
    elif not found:
        errors["participants"] = _("Invite at least one ISP.")
    return list(found.values())


def _clean_scalars(campaign: Campaign, values: dict[str, Any], errors: dict[str, str]) -> None:
    if "name" in values:
        _clean_name(campaign, values["name"], errors)
    if "slug" in values:
        _clean_slug(campaign, values["slug"], errors)
    for field in ("starts_on", "ends_on"):
        if field in values:
            setattr(campaign, field, _as_date(values[field], field, errors))
    if "goal_reduction" in values:
        if not is_percent(values["goal_reduction"]):
            errors["goal_reduction"] = _("Give a whole number from 1 to 100.")
        campaign.goal_reduction = values["goal_reduction"]
    if "baseline_days" in values:
        days = values["baseline_days"]
        if not (isinstance(days, int) and 1 <= days <= MAX_BASELINE_DAYS):
            errors["baseline_days"] = _("Give a number of days from 1 to 90.")
        campaign.baseline_days = days
    for field in ("summary_vi", "summary_en"):
        if field in values:
            setattr(campaign, field, str(values[field]).strip())
    if "public" in values:
        campaign.public = bool(values["public"])


def clean_campaign(
    campaign: Campaign,
    values: dict[str, Any],
    families: Iterable[FamilyRef] | None,
    participants: Iterable[OrganisationRef] | None,
) -> Cleaned:
    """Set ``values`` on ``campaign`` (not saved) and resolve families and participants
    (None: keep the campaign's). Raises ``ValidationError`` naming every field refused."""
    errors: dict[str, str] = {}
    _clean_scalars(campaign, values, errors)
    if "classification_types" in values:
        campaign.classification_types = _clean_types(values["classification_types"], errors)
    starts, ends = campaign.starts_on, campaign.ends_on
    if starts and ends and ends < starts and "ends_on" not in errors:
        errors["ends_on"] = _("The campaign must end on or after its start.")
    if families is not None:
        resolved = _resolve_families(families, errors)
    else:
        resolved = list(campaign.families.all()) if campaign.pk else []
    if not resolved and not campaign.classification_types and "families" not in errors:
        errors["families"] = _("Choose at least one malware family or event type.")
    isps = _resolve_isps(participants, errors) if participants is not None else []
    if errors:
        raise ValidationError(errors)
    return Cleaned(families=resolved, organisations=isps)


def active_changes(campaign: Campaign, fields: dict[str, Any]) -> dict[str, Any]:
    """The ``fields`` that differ from a launched ``campaign``'s; raises ``ValidationError``
    naming a field that can no longer change, or an ``ends_on`` earlier than before."""
    changes = {name: v for name, v in fields.items() if not _same(campaign, name, v)}
    errors = {
        name: str(_("This can no longer change: the campaign has been launched."))
        for name in changes
        if name not in ACTIVE_FIELDS
    }
    ends_on = changes.get("ends_on")
    if ends_on is not None and "ends_on" not in errors:
        day = _as_date(ends_on, "ends_on", errors)
        if day is not None and day < campaign.ends_on:
            errors["ends_on"] = _("A launched campaign can only end later.")
    if errors:
        raise ValidationError(errors)
    return changes


def _same(campaign: Campaign, name: str, value: Any) -> bool:
    if name == "families":
        wanted = {v.slug if isinstance(v, MalwareFamily) else v for v in value}
        return wanted == set(campaign.families.values_list("slug", flat=True))
    if name == "participants":
        wanted = {v.slug if isinstance(v, Organisation) else v for v in value}
        return wanted == set(campaign.participants.values_list("organisation__slug", flat=True))
    current = getattr(campaign, name)
    if isinstance(current, dt.date) and isinstance(value, str):
        return current.isoformat() == value
    if name == "classification_types":
        return list(current) == list(value)
    return bool(current == value)


def action_errors(
    campaign: Campaign,
    kind: str,
    taken_on: object,
    count: int | None,
    description: str,
    today: dt.date,
) -> dict[str, str]:
    """The refused fields of an action for ``campaign`` (empty when it is acceptable)."""
    errors: dict[str, str] = {}
    if kind not in ActionKind.values:
        errors["kind"] = _("Unknown kind of action.")
    day = _as_date(taken_on, "taken_on", errors)
    if day is not None and not campaign.starts_on <= day <= campaign.ends_on:
        errors["taken_on"] = _("Give a day within the campaign.")
    elif day is not None and day > today:
        errors["taken_on"] = _("The day cannot be in the future.")
    if count is not None and not (isinstance(count, int) and 0 <= count < 2**31):
        errors["count"] = _("Give a whole number, 0 or more.")
    if len(description) > MAX_TEXT:
        errors["description"] = _("Keep the description under 2000 characters.")
    return errors
