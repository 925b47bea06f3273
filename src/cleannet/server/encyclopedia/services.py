"""The door of the encyclopedia app: publishing advisories, loading the shipped pages and
the look-ups the public pages (and the home page) make.

Changes run in one transaction with their audit entry; refused input raises Django's
``ValidationError`` with a dict naming the field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.encyclopedia.models import SEVERITY_RANK, Advisory, FamilyProfile
from cleannet.server.encyclopedia.seed import load_families
from cleannet.server.intel.models import MalwareFamily
from cleannet.server.intel.naming import alias_key
from cleannet.server.intel.services import add_family, resolve_family

ADVISORY_TEXTS = ("title_vi", "title_en", "summary_vi", "summary_en", "body_vi", "body_en")


def _advisory_snapshot(advisory: Advisory) -> dict[str, Any]:
    data = snapshot(advisory)
    data["families"] = sorted(advisory.families.values_list("pk", flat=True))
    return data


@transaction.atomic
def publish_advisory(
    actor: User | None,
    *,
    title_vi: str,
    title_en: str,
    summary_vi: str,
    summary_en: str,
    severity: str,
    body_vi: str = "",
    body_en: str = "",
    published_at: dt.datetime | None = None,
    families: Iterable[MalwareFamily] = (),
    link: str = "",
) -> Advisory:
    """Publish an advisory (shown from ``published_at``, now by default); return it.

    The home page's warnings may lag by up to a minute: anonymous visitors get a rendering
    of the home page kept per language for ``CLEANNET_HOME_PAGE_CACHE_SECONDS`` (60 s) in
    each server process. Saving an advisory drops the copy of the process that saved it (the
    portal listens to ``Advisory`` saves), not those of other processes; signed-in users and
    the alert pages always see it at once.

    Raises ``ValidationError`` naming the field: a title or summary missing in either
    language, an unknown ``severity``, a bad ``link``.
    """
    advisory = Advisory(
        title_vi=title_vi.strip(), title_en=title_en.strip(),
        summary_vi=summary_vi.strip(), summary_en=summary_en.strip(),
        body_vi=body_vi.strip(), body_en=body_en.strip(), severity=severity,
        published_at=published_at or timezone.now(), link=link.strip(),
        author=actor,
    )  # fmt: skip
    advisory.full_clean()
    advisory.save()
    advisory.families.set(list(families))
    record_change(actor, "advisory.publish", advisory, after=_advisory_snapshot(advisory))
    return advisory


@transaction.atomic
def update_advisory(
    actor: User | None,
    advisory: Advisory,
    changes: dict[str, Any],
    families: Iterable[MalwareFamily] | None = None,
) -> Advisory:
    """Change an advisory's fields (and related families when given); audited.

    Raises ``ValidationError`` naming the field, leaving the stored advisory unchanged.
    """
    before = _advisory_snapshot(Advisory.objects.get(pk=advisory.pk))
    for name, value in changes.items():
        setattr(advisory, name, value)
    advisory.full_clean()
    advisory.save()
    if families is not None:
        advisory.families.set(list(families))
    record_change(actor, "advisory.edit", advisory, before, _advisory_snapshot(advisory))
    return advisory


@transaction.atomic
def sync_families(actor: User | None) -> int:
    """Load the shipped pages again, then give every page without an intel family one
    (an existing family its names resolve to, or a new one through intel's ``add_family``);
    return how many families were created. Audited."""
    load_families(apps)
    created = 0
    for page in FamilyProfile.objects.filter(family__isnull=True):
        names = [page.name, page.slug, *page.aliases]
        family = _resolved(names)
        if family is None:
            free = [n for n in page.aliases if resolve_family(n) is None]
            family = add_family(
                actor, page.name, page.kind, free, slug=page.slug, platforms=page.platforms,
                description_vi=page.summary_vi, description_en=page.summary_en,
            )  # fmt: skip
            created += 1
        if not FamilyProfile.objects.filter(family=family).exists():
            before = snapshot(page)
            page.family = family
            page.save(update_fields=["family", "updated_at"])
            record_change(actor, "family_profile.link", page, before, snapshot(page))
    return created


def _resolved(names: list[str]) -> MalwareFamily | None:
    for name in names:
        family = resolve_family(name)
        if family is not None:
            return family
    return None


def published_advisories() -> QuerySet[Advisory]:
    """Return the advisories already published, newest first."""
    return Advisory.objects.published().prefetch_related("families")


def current_warnings(limit: int = 4, days: int = 90) -> list[Advisory]:
    """Return the latest advisories of the last ``days`` days, most severe first."""
    since = timezone.now() - dt.timedelta(days=days)
    latest = list(published_advisories().filter(published_at__gte=since)[: limit * 3])
    latest.sort(key=lambda a: (SEVERITY_RANK.get(a.severity, 9), -a.published_at.timestamp()))
    return latest[:limit]


def _matches(page: FamilyProfile, query: str, key: str) -> bool:
    if query.lower() in page.name.lower():
        return True
    return any(key in alias_key(name) for name in (page.slug, *page.aliases))


def encyclopedia_pages(query: str = "", platform: str = "") -> list[FamilyProfile]:
    """Return the pages whose name or an alias contains ``query`` (folded as intel folds
    names), on ``platform`` when given, by name."""
    # A few hundred pages at most: filtering in Python keeps alias folding in one place
    # (SQLite cannot search inside the JSON lists either).
    pages = list(FamilyProfile.objects.order_by("name"))
    query, key = query.strip(), alias_key(query)
    if key:
        pages = [p for p in pages if _matches(p, query, key)]
    if platform:
        pages = [p for p in pages if platform.lower() in p.platforms]
    return pages


def known_platforms() -> list[str]:
    """Return every platform an encyclopedia page names, sorted."""
    rows = FamilyProfile.objects.values_list("platforms", flat=True)
    return sorted({str(p) for platforms in rows for p in platforms or ()})


def family_page(slug: str) -> tuple[FamilyProfile, MalwareFamily | None] | None:
    """Return the page with ``slug`` and the intel family it is about (linked, or resolved
    by its names when no link was made yet), or None when there is no such page."""
    page = FamilyProfile.objects.select_related("family").filter(slug=slug).first()
    if page is None:
        return None
    return page, page.family or _resolved([page.name, page.slug, *page.aliases])
