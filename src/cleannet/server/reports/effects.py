"""What confirming a report does outside the report channel.

- A confirmed **phishing** report: its URL and host become intel indicators, and the host
  becomes a *confirmed fake* in brand protection (the blocklists, the hash-prefix list and
  the URL check then answer "confirmed-fake"). The host is first scored like any name
  (``record_names`` with source ``report``); if it does not score as a lookalike of a
  brand, brand protection lists it under the brand the analyst names
  (``record_reported_fake``). Without either it stays an indicator only, and the result
  says why.
- A confirmed **malware** report with an IP address: one event (classification
  ``infected-system``, feed ``reports``) about that address, attributed like any event.

Every change goes through the owning app's service and is audited there; one more entry
(``report.effects``) on the report says what the confirmation did. Called inside the
transaction of the status change: a refusal here rolls the confirmation back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cleannet.core.errors import InvalidEvent, InvalidIndicator
from cleannet.core.event import Event
from cleannet.core.indicators.domain import normalise_domain
from cleannet.core.indicators.url import url_host
from cleannet.server.accounts.audit import record_change
from cleannet.server.accounts.models import User
from cleannet.server.brands.alerts import confirm_alert, record_names, record_reported_fake
from cleannet.server.brands.models import AlertSource, Brand, LookalikeAlert
from cleannet.server.intel import services as intel
from cleannet.server.intel.models import Feed, Tlp
from cleannet.server.reports.models import Report, ReportKind

REPORTS_FEED = "reports"
INDICATOR_CONFIDENCE = 90  # an analyst looked at it: stronger than most feeds' defaults
INDICATOR_TLP = Tlp.GREEN  # confirmed fakes are listed publicly anyway


@dataclass
class ConfirmationEffects:
    """What confirming one report did: indicators (``kind:value``), the confirmed fake's
    host (or None), events recorded, and warnings to show the analyst."""

    indicators: list[str] = field(default_factory=list)
    fake_host: str | None = None
    events: int = 0
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicators": self.indicators,
            "fake_host": self.fake_host,
            "events": self.events,
            "warnings": self.warnings,
        }


def apply_confirmation_effects(
    actor: User, report: Report, brand: Brand | None = None
) -> ConfirmationEffects:
    """Apply the effects of confirming ``report``; return what was done.

    ``brand`` is the brand a phishing site impersonates when the analyst names one (used
    when the host does not score as a lookalike). Raises ``ValidationError`` naming
    ``target_url``/``target_domain``/``target_ip`` when the stored target is unusable,
    or ``host`` when it lies under a verified official domain.
    """
    effects = ConfirmationEffects()
    if report.kind == ReportKind.PHISHING:
        _phishing(actor, report, brand, effects)
    elif report.kind == ReportKind.MALWARE:
        _malware(actor, report, effects)
    record_change(actor, "report.effects", report, after=effects.as_dict())
    return effects


# --- Phishing ---------------------------------------------------------------------------


def _phishing_target(report: Report) -> tuple[str, str]:
    """Return (url or "", host) of a phishing report. Raises ``ValidationError``."""
    if report.target_url:
        try:
            return report.target_url, url_host(report.target_url)
        except InvalidIndicator as error:
            raise ValidationError({"target_url": error.reason}) from None
    name = report.target_domain or report.group_key
    if not name:
        raise ValidationError(
            {"target_url": _("The report names no URL or domain to list as a fake.")}
        )
    try:
        return "", normalise_domain(name)
    except InvalidIndicator as error:
        raise ValidationError({"target_domain": error.reason}) from None


def _is_ip(host: str) -> bool:
    return ":" in host or host.replace(".", "").isdigit()


def _phishing(
    actor: User, report: Report, brand: Brand | None, effects: ConfirmationEffects
) -> None:
    url, host = _phishing_target(report)
    now = timezone.now()
    observables = [("url", url)] if url else []
    observables.append(
        ("ipv6" if ":" in host else "ipv4", host) if _is_ip(host) else ("domain", host)
    )
    for kind, value in observables:
        indicator, _created = intel.upsert_indicator(
            actor, kind, value, now, tlp=INDICATOR_TLP, confidence=INDICATOR_CONFIDENCE
        )
        effects.indicators.append(f"{indicator.kind}:{indicator.value}")
    if _is_ip(host):
        effects.warnings.append(
            _("An IP address cannot be listed as a fake site; it is an indicator.")
        )
        return
    _list_fake(actor, report, (url, host), brand, effects)


def _list_fake(
    actor: User,
    report: Report,
    target: tuple[str, str],
    brand: Brand | None,
    effects: ConfirmationEffects,
) -> None:
    """Make ``target`` (url, host) a confirmed fake in brand protection, if it can be."""
    url, host = target
    note = _("Confirmed from report %(tracking)s") % {"tracking": report.tracking_number}
    alert = _scored_alert(url or host, host, brand)
    if alert is not None:
        alert = confirm_alert(actor, alert, note=note)
    elif brand is not None:
        alert = record_reported_fake(actor, host, brand, url=url, note=note)
    else:
        effects.warnings.append(
            _(
                "%(host)s does not look like a registered brand, and no brand was chosen: "
                "it is an indicator but not on the fake-site list."
            )
            % {"host": host}
        )
        return
    effects.fake_host = alert.host


def _scored_alert(name: str, host: str, brand: Brand | None) -> LookalikeAlert | None:
    """Score ``name`` like any sighting; return its alert (the chosen brand's if given)."""
    record_names([name], AlertSource.REPORT)
    alerts = LookalikeAlert.objects.filter(host=host)
    if brand is not None:
        alerts = alerts.filter(brand=brand)
    return alerts.order_by("-score", "id").first()


# --- Malware ----------------------------------------------------------------------------


def reports_feed() -> Feed:
    """The feed that events from confirmed reports are recorded under (created once)."""
    feed = Feed.objects.filter(name=REPORTS_FEED).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return intel.add_feed(
                None,
                REPORTS_FEED,
                "CleanNet reports",
                "report",
                tlp=Tlp.AMBER,
                default_classification_type="infected-system",
            )
    except (IntegrityError, ValidationError):
        return Feed.objects.get(name=REPORTS_FEED)  # created meanwhile by another writer


def _malware(actor: User, report: Report, effects: ConfirmationEffects) -> None:
    if not report.target_ip:
        effects.warnings.append(_("The report names no IP address: no event was recorded."))
        return
    fields = {
        "feed.name": REPORTS_FEED,
        "feed.provider": "CleanNet reports",
        "time.source": report.created_at,
        "classification.type": "infected-system",
        "source.ip": report.target_ip,
        "event_description.text": report.title[:200],
        "extra.report": report.tracking_number,
    }
    try:
        event = Event.from_dict(fields)
    except InvalidEvent as error:
        raise ValidationError({"target_ip": str(error)}) from None
    result = intel.record_events(actor, [event], feed=reports_feed())
    effects.events = result.accepted
