"""A site someone reported and an analyst confirmed is listed as a fake of the brand the
analyst names, even when the scorer does not see it as a lookalike; never an official one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.brands import alerts, services
from cleannet.server.brands.models import AlertSource, AlertStatus, LookalikeAlert
from cleannet.server.brands.templatetags.brand_reasons import reason_text

pytestmark = pytest.mark.django_db

PLAIN = "quick-pay-shop.example"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def test_it_lists_a_host_that_scores_nothing_as_a_confirmed_fake(personas, brand) -> None:
    analyst = personas.analyst.user
    alert = alerts.record_reported_fake(
        analyst,
        "Quick-Pay-Shop.EXAMPLE",
        brand,
        url="http://quick-pay-shop.example/pay",
        note="From report CN-2025-000001",
    )
    assert (alert.host, alert.brand, alert.source) == (PLAIN, brand, AlertSource.REPORT)
    assert (alert.status, alert.decided_by, alert.score) == (AlertStatus.CONFIRMED, analyst, 0)
    assert alert.decision_note == "From report CN-2025-000001"
    assert alert.url == "http://quick-pay-shop.example/pay"
    assert alert.registrable == PLAIN
    assert [entry.name for entry in alerts.confirmed_fakes()] == [PLAIN]
    assert alerts.confirmed_fake_for("login." + PLAIN) == alert


def test_it_audits_the_listing_and_the_confirmation_by_the_analyst(personas, brand) -> None:
    alert = alerts.record_reported_fake(personas.analyst.user, PLAIN, brand)
    entries = AuditEntry.objects.filter(object_type="brands.lookalikealert").order_by("id")
    assert {e.object_id for e in entries} == {str(alert.pk)}
    assert [e.action for e in entries] == ["lookalike_alert.report", "lookalike_alert.confirm"]
    assert {e.actor for e in entries} == {personas.analyst.user}
    assert entries[0].before is None and entries[0].after["host"] == PLAIN


def test_it_updates_an_existing_alert_and_confirms_a_dismissed_one(personas, brand) -> None:
    alerts.record_names(["demobank-dangnhap.com"], "certstream")
    seen = LookalikeAlert.objects.get()
    alerts.dismiss_alert(personas.admin.user, seen, "thought it was a partner")
    again = alerts.record_reported_fake(
        personas.analyst.user, "demobank-dangnhap.com", brand, url="http://demobank-dangnhap.com/x"
    )
    assert again.pk == seen.pk and LookalikeAlert.objects.count() == 1
    assert again.status == AlertStatus.CONFIRMED and again.source == AlertSource.REPORT
    assert again.score == seen.score and again.seen_count == seen.seen_count + 1
    codes = [reason["code"] for reason in again.reasons]
    assert codes[-1] == "reported" and len(codes) > 1
    alerts.record_reported_fake(personas.analyst.user, "demobank-dangnhap.com", brand)
    assert [r["code"] for r in LookalikeAlert.objects.get().reasons].count("reported") == 1


def test_it_refuses_a_host_under_a_verified_official_domain(personas, brand) -> None:
    with pytest.raises(ValidationError) as refused:
        alerts.record_reported_fake(personas.analyst.user, "login.demobank.vn", brand)
    assert "demobank.vn" in refused.value.message_dict["host"][0]
    assert not LookalikeAlert.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="lookalike_alert").exists()


def test_an_unverified_official_domain_is_no_shield(personas, brand) -> None:
    # A member's claim of a domain counts only once its control is proven.
    services.add_official_domain(personas.member.user, brand, PLAIN)
    alert = alerts.record_reported_fake(personas.analyst.user, PLAIN, brand)
    assert alert.status == AlertStatus.CONFIRMED


def test_it_refuses_what_is_not_a_domain_name(personas, brand) -> None:
    for bad in ("", "not a host", "-bad-.example"):
        with pytest.raises(ValidationError) as refused:
            alerts.record_reported_fake(personas.analyst.user, bad, brand)
        assert "host" in refused.value.message_dict


def test_only_the_authority_lists_reported_fakes(personas, brand) -> None:
    for persona in (personas.member, personas.isp):
        with pytest.raises(PermissionDenied):
            alerts.record_reported_fake(persona.user, PLAIN, brand)
    assert not LookalikeAlert.objects.exists()


def test_the_reported_reason_reads_in_both_languages(personas, brand) -> None:
    alert = alerts.record_reported_fake(personas.analyst.user, PLAIN, brand)
    [stored] = alert.reasons
    assert reason_text(stored) == stored["text"]
    with translation.override("vi"):
        assert reason_text(stored)
