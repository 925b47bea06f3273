"""State changes of the brand registry; pages, API, CLI, tasks and tests all call these.

Brands and their official domains: ``register_brand``, ``add_official_domain``,
``remove_official_domain``, ``check_domain_control``; and ``current_scorer``, the engine's
scorer built from every brand. Alerts and confirmed fakes are in ``alerts``.

Only a *verified* official domain (its control check passed, or the authority added it)
is on the allowlist that beats any score: an unproven claim must not silence alerts about
a lookalike. Every change writes an audit entry in its transaction. Refused input raises
``ValidationError`` naming the field; the wrong person ``PermissionDenied``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from typing import Any

import dns.resolver
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain, registrable_domain
from cleannet.engines.lookalike.model import Brand as EngineBrand
from cleannet.engines.lookalike.scorer import Scorer
from cleannet.engines.lookalike.text import fold_keyword
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import Organisation, User
from cleannet.server.accounts.roles import AUTHORITY_ROLES, Role
from cleannet.server.brands import domain_control
from cleannet.server.brands.models import Brand, ControlMethod, OfficialDomain

_KEY = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?")
_KEYWORD = re.compile(r"[a-z0-9]{2,63}")
MAX_KEYWORDS = 50
MAX_DOMAINS = 100


def _may_manage(actor: User | None, organisation: Organisation) -> bool:
    if actor is None:  # the system itself (CLI, demo loader)
        return True
    if actor.has_role(*AUTHORITY_ROLES):
        return True
    return actor.has_role(Role.ORG_MEMBER) and actor.organisation_id == organisation.pk


def _require_manager(actor: User | None, organisation: Organisation) -> None:
    if not _may_manage(actor, organisation):
        raise PermissionDenied(_("Only the organisation's members or the authority may do this."))


def clean_keywords(raw: Iterable[str] | str, name: str) -> list[str]:
    """Return the keywords folded as the scorer compares them (``Điện lực`` → ``dienluc``),
    without repeats (``;``, ``,`` or new lines separate them in a string); the folded ``name``
    when none are given. Raises ``ValidationError`` on ``keywords``."""
    parts = re.split(r"[;,\n]", raw) if isinstance(raw, str) else list(raw)
    words = list(dict.fromkeys(w for w in (fold_keyword(p) for p in parts) if w))
    if not words and fold_keyword(name):
        words = [fold_keyword(name)]
    bad = [w for w in words if not _KEYWORD.fullmatch(w)]
    if bad:
        raise ValidationError(
            {
                "keywords": _("Not a usable keyword (2–63 letters or digits): %(words)s")
                % {"words": ", ".join(bad)}
            }
        )
    if not words or len(words) > MAX_KEYWORDS:
        raise ValidationError({"keywords": _("Give between 1 and 50 keywords.")})
    return words


def clean_official_domain(raw: str) -> str:
    """Return the registrable domain ``raw`` names, normalised (``WWW.VCB.com.vn`` is refused:
    give ``vcb.com.vn``). Raises ``ValidationError`` on ``domain``."""
    try:
        domain = normalise_domain(raw)
    except InvalidValue as error:
        raise ValidationError({"domain": error.reason}) from None
    registrable = registrable_domain(domain)
    if registrable != domain:
        hint = (
            _("give its registrable domain %(name)s") % {"name": registrable}
            if registrable
            else _("it is a public suffix")
        )
        raise ValidationError(
            {
                "domain": _("%(domain)s is not a registrable domain: %(hint)s.")
                % {"domain": domain, "hint": hint}
            }
        )
    return domain


@transaction.atomic
def register_brand(
    actor: User | None,
    organisation: Organisation,
    key: str,
    name: str,
    keywords: Iterable[str] | str,
    domains: Iterable[str] = (),
) -> Brand:
    """Create brand ``key`` of ``organisation`` with its keywords and official domains.

    Domains added by the authority (or the system) are verified at once; a member's wait
    for their control check. Raises ``ValidationError`` on ``key`` (malformed or taken),
    ``name``, ``keywords`` or ``domain``.
    """
    _require_manager(actor, organisation)
    key = key.strip().lower()
    if not _KEY.fullmatch(key):
        raise ValidationError({"key": _("Use 1–60 lower-case letters, digits and hyphens.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the brand's name.")})
    if Brand.objects.filter(key=key).exists():
        raise ValidationError({"key": _("This key is already taken.")})
    words = clean_keywords(keywords, name)
    brand = Brand.objects.create(
        organisation=organisation, key=key, name=name.strip(), keywords=";".join(words)
    )
    record_change(actor, "brand.register", brand, after=snapshot(brand))
    for domain in domains:
        add_official_domain(actor, brand, domain)
    return brand


def _authority_verified(actor: User | None) -> bool:
    return actor is None or actor.has_role(*AUTHORITY_ROLES)


@transaction.atomic
def add_official_domain(
    actor: User | None, brand: Brand, domain: str, method: str = ControlMethod.DNS_TXT
) -> OfficialDomain:
    """Add registrable ``domain`` to ``brand`` with a fresh control token.

    Raises ``ValidationError`` on ``domain`` (not a registrable domain, already there, too
    many) or ``control_method``.
    """
    _require_manager(actor, brand.organisation)
    name = clean_official_domain(domain)
    if method not in ControlMethod.values:
        raise ValidationError({"control_method": _("Choose DNS TXT or a file on the web site.")})
    if brand.domains.count() >= MAX_DOMAINS:
        raise ValidationError({"domain": _("A brand has at most 100 official domains.")})
    verified_at = timezone.now() if _authority_verified(actor) else None
    try:
        with transaction.atomic():
            official = OfficialDomain.objects.create(
                brand=brand, domain=name, control_method=method, verified_at=verified_at
            )
    except IntegrityError:
        raise ValidationError({"domain": _("This domain is already listed.")}) from None
    record_change(actor, "official_domain.add", official, after=snapshot(official))
    return official


@transaction.atomic
def remove_official_domain(actor: User | None, official: OfficialDomain) -> None:
    """Remove ``official`` from its brand (it leaves the allowlist)."""
    _require_manager(actor, official.brand.organisation)
    before = snapshot(official)
    record_change(actor, "official_domain.remove", official, before=before)
    official.delete()


def check_domain_control(
    official: OfficialDomain,
    *,
    actor: User | None = None,
    resolver: dns.resolver.Resolver | None = None,
    fetch: domain_control.Fetch | None = None,
) -> OfficialDomain:
    """Run ``official``'s control check now and store its outcome; return the domain.

    Success sets ``verified_at`` (kept from an earlier proof). A definite failure (the record
    or file says otherwise) revokes the proof; a failure to ask (timeout) only records the
    error. The network is asked outside the transaction.
    """
    if actor is not None:
        _require_manager(actor, official.brand.organisation)
    error = ""
    definite = False
    try:
        domain_control.prove_control(
            official.domain,
            official.control_method,
            official.control_token,
            resolver=resolver,
            fetch_text=fetch,
        )
    except domain_control.ControlCheckFailed as failure:
        error, definite = failure.reason[:500], failure.definite
    return _store_check(actor, official.pk, error, definite)


@transaction.atomic
def _store_check(actor: User | None, pk: int, error: str, definite: bool) -> OfficialDomain:
    official = OfficialDomain.objects.select_for_update().select_related("brand").get(pk=pk)
    before = snapshot(official)
    now = timezone.now()
    official.last_check_at, official.last_check_error = now, error
    if not error:
        official.verified_at = official.verified_at or now
    elif definite:
        official.verified_at = None
    official.save()
    record_change(actor, "official_domain.check", official, before, snapshot(official))
    return official


# --- The scorer of every brand --------------------------------------------------------
#
# Each process (web workers, the stream reader) builds its own scorer and rebuilds it when the
# registry's fingerprint changes, so a change made in one process reaches the others. Reading
# the fingerprint costs two aggregate queries, so it is kept in the cache for
# ``scorer_recheck_seconds()`` (5 s; the default cache is per process): another process's
# change reaches this one within that time. A save or delete of a brand or an official domain
# in this process drops the kept fingerprint (signals connected in ``apps``), so the process
# that made a change scores with it at once.

_scorer_lock = threading.Lock()
_scorer_cache: dict[str, Any] = {"fingerprint": None, "scorer": None}
FINGERPRINT_CACHE_KEY = "brands:registry-fingerprint"


def scorer_recheck_seconds() -> float:
    """How long the registry's fingerprint is trusted before the database is asked again."""
    return float(settings.CLEANNET_BRANDS.scorer_recheck_seconds)


def _registry_fingerprint() -> tuple[Any, ...]:
    """What changes whenever a brand or its allowlist does, read in two small queries, so
    that every process (web workers, the stream reader) sees changes made by another."""
    brands = Brand.objects.aggregate(n=Count("id"), top=Max("id"), at=Max("updated_at"))
    verified = Q(verified_at__isnull=False)
    domains = OfficialDomain.objects.filter(verified).aggregate(
        n=Count("id"), top=Max("id"), at=Max("verified_at")
    )
    return (*brands.values(), *domains.values())


def _recent_fingerprint() -> tuple[Any, ...]:
    fingerprint: tuple[Any, ...] | None = cache.get(FINGERPRINT_CACHE_KEY)
    if fingerprint is None:
        fingerprint = _registry_fingerprint()
        seconds = scorer_recheck_seconds()
        if seconds > 0:
            cache.set(FINGERPRINT_CACHE_KEY, fingerprint, seconds)
    return fingerprint


def forget_registry_fingerprint(**_signal: Any) -> None:
    """Make the next ``current_scorer`` read the registry's fingerprint from the database; once
    now and once more when the transaction commits (a request running meanwhile may have
    kept the fingerprint from before the change)."""
    cache.delete(FINGERPRINT_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(FINGERPRINT_CACHE_KEY))


def engine_brands() -> list[EngineBrand]:
    """Every brand as the engine sees it, with its verified official domains only."""
    brands = Brand.objects.prefetch_related("domains").order_by("key")
    return [
        EngineBrand(
            key=brand.key,
            name=brand.name,
            official_domains=tuple(d.domain for d in brand.domains.all() if d.is_verified),
            keywords=tuple(brand.keyword_list()),
        )
        for brand in brands
    ]


def current_scorer() -> Scorer:
    """Return the scorer of every registered brand, rebuilt when brands or domains changed:
    at once for changes made in this process, within ``scorer_recheck_seconds()`` for others."""
    fingerprint = _recent_fingerprint()
    with _scorer_lock:
        if _scorer_cache["fingerprint"] != fingerprint or _scorer_cache["scorer"] is None:
            _scorer_cache["scorer"] = Scorer(engine_brands())
            _scorer_cache["fingerprint"] = fingerprint
        scorer: Scorer = _scorer_cache["scorer"]
        return scorer


@transaction.atomic
def update_brand(
    actor: User | None, brand: Brand, *, name: str | None = None, keywords: Any = None
) -> Brand:
    """Change ``brand``'s name or keywords. Raises ``ValidationError`` as ``register_brand``."""
    _require_manager(actor, brand.organisation)
    locked = Brand.objects.select_for_update().get(pk=brand.pk)
    before = snapshot(locked)
    if name is not None:
        if not name.strip():
            raise ValidationError({"name": _("Give the brand's name.")})
        locked.name = name.strip()
    if keywords is not None:
        locked.keywords = ";".join(clean_keywords(keywords, locked.name))
    locked.updated_at = timezone.now()
    locked.save()
    record_change(actor, "brand.update", locked, before, snapshot(locked))
    return locked
