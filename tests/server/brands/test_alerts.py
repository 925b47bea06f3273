"""Names seen in streams become alerts per (brand, host); analysts confirm or dismiss them,
and confirmed fakes reach the public list and the blocklists."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.brands import alerts, services
from cleannet.server.brands.models import AlertStatus, LookalikeAlert

pytestmark = pytest.mark.django_db

FAKE = "demobank-dangnhap.com"


def test_it_stores_an_alert_for_a_lookalike(brand) -> None:
    counts = alerts.record_names([FAKE, "example.org"], "certstream")
    assert (counts.scored, counts.new_alerts) == (2, 1)
    alert = LookalikeAlert.objects.get()
    assert (alert.brand, alert.host, alert.status) == (brand, FAKE, AlertStatus.NEW)
    assert alert.score >= alerts.alert_threshold()
    assert {"code", "text", "points", "detail"} <= set(alert.reasons[0])
    assert AuditEntry.objects.filter(action="lookalike_alert.create").count() == 1


def test_the_allowlist_beats_any_score(personas, brand) -> None:
    services.add_official_domain(personas.admin.user, brand, "demobank-dangnhap.com")
    counts = alerts.record_names([FAKE, "login.demobank.vn"], "certstream")
    assert (counts.official, counts.new_alerts) == (2, 0)
    assert not LookalikeAlert.objects.exists()


def test_a_name_seen_again_bumps_its_alert_and_keeps_the_highest_score(brand) -> None:
    alerts.record_names([FAKE], "certstream")
    first = LookalikeAlert.objects.get()
    LookalikeAlert.objects.filter(pk=first.pk).update(score=100)
    counts = alerts.record_names([FAKE, FAKE], "nrd")
    assert counts.updated_alerts == 2
    alert = LookalikeAlert.objects.get()
    assert (alert.seen_count, alert.score, alert.source) == (3, 100, "certstream")
    assert alert.last_seen >= first.last_seen


def test_refused_names_are_counted_with_their_reason(brand) -> None:
    counts = alerts.record_names(["", "a" * 300 + ".com", FAKE], "feed")
    assert counts.refused == 2 and counts.new_alerts == 1
    assert all(reason for _name, reason in counts.refusals)


def test_an_unknown_source_is_refused(brand) -> None:
    with pytest.raises(ValueError, match="source"):
        alerts.record_names([FAKE], "rumour")


def _alert() -> LookalikeAlert:
    alerts.record_names([FAKE], "certstream")
    return LookalikeAlert.objects.get()


def test_a_confirmed_alert_is_a_blocklist_entry(personas, brand) -> None:
    confirmed = alerts.confirm_alert(personas.analyst.user, _alert(), "Seen in an SMS campaign")
    assert (
        confirmed.status == AlertStatus.CONFIRMED and confirmed.decided_by == personas.analyst.user
    )
    [entry] = alerts.confirmed_fakes()
    assert (entry.name, entry.brand, entry.include_subdomains) == (FAKE, "demobank", True)
    assert "SMS" not in entry.reason
    assert alerts.confirmed_fake_for("www." + FAKE) == confirmed
    assert AuditEntry.objects.filter(action="lookalike_alert.confirm").count() == 1


def test_a_dismissed_alert_is_not_listed_and_stays_dismissed(personas, brand) -> None:
    alert = alerts.confirm_alert(personas.analyst.user, _alert())
    alerts.dismiss_alert(personas.admin.user, alert, "A partner's site")
    assert alerts.confirmed_fakes() == []
    alerts.record_names([FAKE], "certstream")
    assert LookalikeAlert.objects.get().status == AlertStatus.DISMISSED


def test_an_official_host_cannot_be_confirmed(personas, brand) -> None:
    alert = _alert()
    services.add_official_domain(personas.admin.user, brand, FAKE)
    with pytest.raises(ValidationError) as refused:
        alerts.confirm_alert(personas.analyst.user, alert)
    assert "host" in refused.value.message_dict


def test_only_the_authority_decides(personas, brand) -> None:
    alert = _alert()
    for persona in (personas.member, personas.isp):
        with pytest.raises(PermissionDenied):
            alerts.confirm_alert(persona.user, alert)
        with pytest.raises(PermissionDenied):
            alerts.dismiss_alert(persona.user, alert)
