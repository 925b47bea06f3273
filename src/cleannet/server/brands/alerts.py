"""Lookalike alerts: names scored against the brands, the analysts' decisions, confirmed fakes.

``record_names`` is what the stream readers, feeds and the URL check call with the names
they saw; it keeps one alert per (brand, host) and bumps it when seen again. The brand's
owner reads its alerts in its workspace and through the API (stored alerts; notices will
carry them once the notices app exists), analysts in their queue. ``confirm_alert`` makes
an alert a *confirmed fake*: listed publicly, in the blocklists and the hash-prefix list.

New alerts, score raises and decisions are audited one by one; a repeat sighting only
bumps ``seen_count``/``last_seen`` (a counter, like event statistics, not audited).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidValue
from cleannet.core.indicators.domain import normalise_domain, registrable_domain
from cleannet.engines.lookalike.blocklists import BlockEntry
from cleannet.engines.lookalike.model import Verdict
from cleannet.server.accounts.audit import record_change, snapshot
from cleannet.server.accounts.models import User
from cleannet.server.accounts.roles import AUTHORITY_ROLES
from cleannet.server.brands.models import (
    AlertSource,
    AlertStatus,
    Brand,
    LookalikeAlert,
    OfficialDomain,
)
from cleannet.server.brands.services import current_scorer

MAX_REFUSALS_KEPT = 100


@dataclass
class RecordCounts:
    """What ``record_names`` did with a batch; ``refusals`` keeps the first 100 (name, why)."""

    scored: int = 0
    official: int = 0
    below_threshold: int = 0
    new_alerts: int = 0
    updated_alerts: int = 0
    refused: int = 0
    refusals: list[tuple[str, str]] = field(default_factory=list)


def alert_threshold() -> int:
    return settings.CLEANNET_BRANDS.alert_threshold


def reasons_json(verdict: Verdict) -> list[dict[str, Any]]:
    return [
        {"code": r.code, "text": r.text, "points": r.points, "detail": r.detail}
        for r in verdict.reasons
    ]


def _url_of(name: str) -> str:
    # Only an input that names a path is worth keeping as a URL; a bare name is the host.
    return name.strip()[:2000] if "/" in name else ""


def _upsert(brand: Brand, verdict: Verdict, source: str, now: Any) -> bool:
    """Create or bump the alert of (brand, host); return True when it is new."""
    assert verdict.host is not None
    alert, created = LookalikeAlert.objects.select_for_update().get_or_create(
        brand=brand,
        host=verdict.host,
        defaults={
            "registrable": verdict.registrable or "",
            "url": _url_of(verdict.input),
            "score": verdict.score,
            "reasons": reasons_json(verdict),
            "source": source,
            "first_seen": now,
            "last_seen": now,
        },
    )
    if created:
        record_change(None, "lookalike_alert.create", alert, after=snapshot(alert))
        return True
    if verdict.score > alert.score:
        before = snapshot(alert)
        alert.score, alert.reasons = verdict.score, reasons_json(verdict)
        alert.url = alert.url or _url_of(verdict.input)
        alert.save(update_fields=["score", "reasons", "url"])
        record_change(None, "lookalike_alert.raise", alert, before, snapshot(alert))
    LookalikeAlert.objects.filter(pk=alert.pk).update(seen_count=F("seen_count") + 1, last_seen=now)
    return False


def _score_all(names: Iterable[str], counts: RecordCounts) -> list[Verdict]:
    scorer, threshold = current_scorer(), alert_threshold()
    alerts: list[Verdict] = []
    for name in names:
        try:
            verdict = scorer.score(name)
        except InvalidValue as error:
            counts.refused += 1
            if len(counts.refusals) < MAX_REFUSALS_KEPT:
                counts.refusals.append((name[:300], error.reason))
            continue
        counts.scored += 1
        if verdict.official:
            counts.official += 1
        elif verdict.host is not None and verdict.is_alert(threshold):
            alerts.append(verdict)
        else:
            counts.below_threshold += 1
    return alerts


def record_names(names: Iterable[str], source: str) -> RecordCounts:
    """Score each host name or URL against every brand; store the alerts; return the counts.

    A name the scorer refuses is counted with its reason, never raised. The highest score
    of a (brand, host) is kept with its reasons; a dismissed alert stays dismissed.
    Raises ``ValueError`` for an unknown ``source``.
    """
    if source not in AlertSource.values:
        raise ValueError(f"unknown alert source {source!r}")
    counts = RecordCounts()
    verdicts = _score_all(names, counts)
    if not verdicts:
        return counts
    brands = {b.key: b for b in Brand.objects.filter(key__in={v.brand for v in verdicts})}
    now = timezone.now()
    with transaction.atomic():
        for verdict in verdicts:
            brand = brands.get(verdict.brand or "")
            if brand is None:  # removed since the scorer was built
                continue
            if _upsert(brand, verdict, source, now):
                counts.new_alerts += 1
            else:
                counts.updated_alerts += 1
    return counts


# --- Decisions --------------------------------------------------------------------------


def _require_authority(actor: User) -> None:
    if not actor.has_role(*AUTHORITY_ROLES):
        raise PermissionDenied(_("Only the authority's staff may do this."))


def official_owner(host: str) -> OfficialDomain | None:
    """Return the verified official domain ``host`` lies under, if any."""
    suffixes = _suffixes(host)
    found = OfficialDomain.objects.filter(domain__in=suffixes, verified_at__isnull=False)
    return found.select_related("brand").first()


def _suffixes(host: str) -> list[str]:
    labels = host.split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def _decide(
    actor: User, alert: LookalikeAlert, status: str, note: str, action: str
) -> LookalikeAlert:
    locked = LookalikeAlert.objects.select_for_update().get(pk=alert.pk)
    before = snapshot(locked)
    locked.status, locked.decided_by, locked.decided_at = status, actor, timezone.now()
    locked.decision_note = note.strip()
    locked.save()
    record_change(actor, action, locked, before, snapshot(locked))
    return locked


def _fake_host(host: str) -> str:
    """Return ``host`` normalised if it may be listed as a fake; ``ValidationError`` on
    ``host`` when it is not a domain name or lies under a verified official domain."""
    try:
        name = normalise_domain(host)
    except InvalidValue as error:
        raise ValidationError({"host": error.reason}) from None
    owner = official_owner(name)
    if owner is not None:
        raise ValidationError(
            {
                "host": _("%(host)s lies under %(domain)s, an official domain of %(brand)s.")
                % {"host": name, "domain": owner.domain, "brand": owner.brand.name}
            }
        )
    return name


@transaction.atomic
def confirm_alert(actor: User, alert: LookalikeAlert, note: str = "") -> LookalikeAlert:
    """An analyst confirms ``alert`` as a fake site: it is listed publicly and blocked.

    Raises ``ValidationError`` on ``host`` when it is not a domain name or lies under a
    verified official domain (an official site is never blocked).
    """
    _require_authority(actor)
    _fake_host(alert.host)
    return _decide(actor, alert, AlertStatus.CONFIRMED, note, "lookalike_alert.confirm")


REPORTED_REASON = {
    "code": "reported",
    "text": "Reported as a fake site and confirmed by the authority.",
    "points": 0,
    "detail": "",
}


def _upsert_reported(actor: User, brand: Brand, host: str, url: str) -> LookalikeAlert:
    """Create or update the alert of (brand, host) as reported; audited as one entry."""
    now = timezone.now()
    alert = LookalikeAlert.objects.select_for_update().filter(brand=brand, host=host).first()
    before = snapshot(alert) if alert is not None else None
    if alert is None:
        alert = LookalikeAlert(brand=brand, host=host, score=0, first_seen=now, seen_count=0)
    alert.registrable = alert.registrable or (registrable_domain(host) or "")
    alert.url = alert.url or url.strip()[:2000]
    if not any(r.get("code") == "reported" for r in alert.reasons):
        alert.reasons = [*alert.reasons, dict(REPORTED_REASON)]
    alert.source, alert.last_seen, alert.seen_count = AlertSource.REPORT, now, alert.seen_count + 1
    alert.save()
    record_change(actor, "lookalike_alert.report", alert, before, snapshot(alert))
    return alert


@transaction.atomic
def record_reported_fake(
    actor: User, host: str, brand: Brand, url: str = "", note: str = ""
) -> LookalikeAlert:
    """List ``host`` as a confirmed fake of ``brand`` on a report's word; return its alert.

    For a site someone reported and an analyst confirmed that the scorer does not see as a
    lookalike of ``brand``: the (brand, host) alert is created (score 0) or updated, with
    source ``report`` and a ``reported`` reason, then confirmed with ``note``. Audited
    (``lookalike_alert.report`` then ``lookalike_alert.confirm``). Raises
    ``PermissionDenied`` unless ``actor`` is the authority's staff, and ``ValidationError``
    on ``host`` when it is not a domain name or lies under a verified official domain.
    """
    _require_authority(actor)
    alert = _upsert_reported(actor, brand, _fake_host(host), url)
    return _decide(actor, alert, AlertStatus.CONFIRMED, note, "lookalike_alert.confirm")


@transaction.atomic
def dismiss_alert(actor: User, alert: LookalikeAlert, note: str = "") -> LookalikeAlert:
    """An analyst dismisses ``alert`` (a confirmed fake dismissed later leaves the lists)."""
    _require_authority(actor)
    return _decide(actor, alert, AlertStatus.DISMISSED, note, "lookalike_alert.dismiss")


# --- Confirmed fakes ----------------------------------------------------------------------


def confirmed_alerts() -> QuerySet[LookalikeAlert]:
    return LookalikeAlert.objects.filter(status=AlertStatus.CONFIRMED).select_related("brand")


def _block_reason(alert: LookalikeAlert) -> str:
    return f"Impersonates {alert.brand.name} (confirmed by the authority)"


def confirmed_fakes() -> list[BlockEntry]:
    """Every confirmed fake as a blocklist entry (the host and its subdomains), by host."""
    return [
        BlockEntry(
            name=alert.host,
            brand=alert.brand.key,
            reason=_block_reason(alert),
            listed_at=alert.decided_at or alert.last_seen,
        )
        for alert in confirmed_alerts().order_by("host", "id")
    ]


def confirmed_fake_for(host: str) -> LookalikeAlert | None:
    """Return the confirmed fake ``host`` is, or lies under; None when there is none."""
    return confirmed_alerts().filter(host__in=_suffixes(host)).order_by("-decided_at").first()


def last_decision_at() -> Any:
    """When the set of confirmed fakes last (possibly) changed: the latest decision."""
    latest = LookalikeAlert.objects.filter(decided_at__isnull=False).order_by("-decided_at")
    first = latest.values_list("decided_at", flat=True).first()
    return first
