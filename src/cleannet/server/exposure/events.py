"""Exposure findings as intel events, so owner reports and campaigns pick them up.

``CLASSIFICATIONS`` maps a finding's tag to its RSIT taxonomy and type; it is data, not code,
so a new probe's tag is one line here. A tag without an entry (``http``, ``ssl``, ``ssh`` …:
a service seen, nothing wrong with it) makes no event. Each run records one event per new or
re-seen finding, dated at the run's start, so the owner is told again while it stays open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from cleannet.core.event import Event
from cleannet.server.accounts.models import User
from cleannet.server.exposure.models import ExposureFinding, ScanRun
from cleannet.server.intel.events import record_events
from cleannet.server.intel.models import Event as StoredEvent

__all__ = ["CLASSIFICATIONS", "FEED_NAME", "classification_of", "finding_event", "record_findings"]

FEED_NAME = "cleannet-exposure"
"""``feed.name`` of every event an exposure scan records."""

_VULNERABLE_SYSTEM = ("vulnerable", "vulnerable-system")
_WEAK_CRYPTO = ("vulnerable", "weak-crypto")
_AMPLIFIER = ("vulnerable", "ddos-amplifier")
_UNWANTED = ("vulnerable", "potentially-unwanted-accessible")
_COMPROMISE = ("intrusions", "system-compromise")

CLASSIFICATIONS: dict[str, tuple[str, str]] = {
    # services answering without authentication, and databases open to the Internet
    "open-redis": _VULNERABLE_SYSTEM,
    "open-mongodb": _VULNERABLE_SYSTEM,
    "open-elasticsearch": _VULNERABLE_SYSTEM,
    "open-memcached": _VULNERABLE_SYSTEM,
    "open-postgres": _VULNERABLE_SYSTEM,
    "open-mqtt": _VULNERABLE_SYSTEM,
    "mysql": _VULNERABLE_SYSTEM,
    "postgres": _VULNERABLE_SYSTEM,
    "mongodb": _VULNERABLE_SYSTEM,
    "elasticsearch": _VULNERABLE_SYSTEM,
    "vulnerable-version": _VULNERABLE_SYSTEM,
    # reflection: an open resolver or memcached over UDP amplifies attacks on others
    "open-resolver": _AMPLIFIER,
    "memcached-udp": _AMPLIFIER,
    # weak or broken cryptography
    "ssl-expired": _WEAK_CRYPTO,
    "ssl-self-signed": _WEAK_CRYPTO,
    "ssl-tls10": _WEAK_CRYPTO,
    "ssl-tls11": _WEAK_CRYPTO,
    "ssh-v1": _WEAK_CRYPTO,
    # remote access that should not face the Internet
    "telnet": _UNWANTED,
    "rdp-no-nla": _UNWANTED,
    "accessible-rdp": _UNWANTED,
    # a compromised web site
    "injected-script": _COMPROMISE,
    "malicious-link": _COMPROMISE,
    # RSIT (and cleannet.core.taxonomy's legacy mapping) file a defacement here
    "defacement": ("information-content-security", "unauthorised-information-modification"),
}


def classification_of(tag: str) -> tuple[str, str] | None:
    """The (taxonomy, type) of findings tagged ``tag``, or None when they make no event."""
    return CLASSIFICATIONS.get(tag)


def _application(report_type: str) -> str:
    return report_type.removeprefix("scan_") or "unknown"


def finding_event(found: ExposureFinding, run: ScanRun, now: dt.datetime) -> Event | None:
    """The intel event for ``found`` seen in ``run``; None when its tag is not classified."""
    classified = classification_of(found.tag)
    if classified is None:
        return None
    taxonomy, type_ = classified
    fields: dict[str, Any] = {
        "feed.name": FEED_NAME,
        "feed.provider": "CleanNet",
        "time.source": run.started_at,
        "time.observation": now,
        "classification.taxonomy": taxonomy,
        "classification.type": type_,
        "classification.identifier": found.tag,
        "source.ip": found.ip,
        "source.port": found.port,
        "protocol.transport": found.transport,
        "protocol.application": _application(found.report_type),
        "extra.report_type": found.report_type,
        "extra.tag": found.tag,
        "extra.severity": found.severity,
        "extra.scope": found.scope.name,
        "extra.product": found.product,
        "extra.version": found.version,
    }
    if found.cves:
        fields["extra.cves"] = list(found.cves)
    return Event.from_dict(fields)


def record_findings(
    actor: User | None, run: ScanRun, findings: Iterable[ExposureFinding], now: dt.datetime
) -> int:
    """Record one event per classified finding and link each finding to it; return how many
    findings got an event.

    The event is attributed by ``record_events`` to the holder of the address's prefix; when
    no prefix holder is known it is given the finding's owner (the scope's owner), so the
    owner's reports carry it all the same.
    """
    pairs = [(found, finding_event(found, run, now)) for found in findings]
    events = [(found, event) for found, event in pairs if event is not None]
    if not events:
        return 0
    record_events(actor, (event for _, event in events))
    stored = StoredEvent.objects.in_bulk(
        [event.event_hash() for _, event in events], field_name="event_hash"
    )
    for found, event in events:
        row = stored.get(event.event_hash())
        if row is None:
            continue
        if row.owner_id is None:
            StoredEvent.objects.filter(pk=row.pk, owner__isnull=True).update(owner=found.owner)
        found.event = row
        found.save(update_fields=["event"])
    return len(events)
