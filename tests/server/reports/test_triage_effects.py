"""Confirming a report acts on it: a phishing site becomes an indicator and a confirmed fake
(the URL check then says so), an infected address becomes an event."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.brands import services as brand_services
from cleannet.server.brands.alerts import confirmed_fakes
from cleannet.server.brands.models import Brand, LookalikeAlert
from cleannet.server.intel.models import Event, Indicator
from cleannet.server.reports import triage_services as triage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are asserted in English (the site's default language is Vietnamese)."""
    with translation.override("en"):
        yield


FAKE_URL = "http://demobank-dangnhap.com/otp"


@pytest.fixture
def brand(personas: Any) -> Brand:
    return brand_services.register_brand(
        personas.admin.user, personas.bank, "demobank", "Demo Bank", "demobank", ["demobank.vn"]
    )


def _confirm(analyst, report, **options):
    triage.change_status(analyst, report, "triaging")
    return triage.change_status(analyst, report, "confirmed", **options)


def _url_check(api_client, persona, url: str) -> dict[str, Any]:
    response = api_client(persona.token).get("/api/v1/url-check", url=url)
    assert response.status_code == 200
    return response.json()


def test_the_url_check_calls_a_confirmed_phishing_site_fake(
    personas, api_client, brand, file_report
) -> None:
    report, _ = file_report(target_url=FAKE_URL)
    assert _url_check(api_client, personas.member, FAKE_URL)["verdict"] == "alert"
    change = _confirm(personas.analyst.user, report)
    assert change.effects is not None and change.effects.fake_host == "demobank-dangnhap.com"
    answer = _url_check(api_client, personas.member, "https://demobank-dangnhap.com/other")
    assert (answer["verdict"], answer["brand"]) == ("confirmed-fake", "demobank")
    assert [entry.name for entry in confirmed_fakes()] == ["demobank-dangnhap.com"]


def test_a_confirmed_phishing_site_becomes_indicators(personas, brand, file_report) -> None:
    report, _ = file_report(target_url=FAKE_URL)
    _confirm(personas.analyst.user, report)
    kinds = dict(Indicator.objects.values_list("kind", "value"))
    assert kinds["domain"] == "demobank-dangnhap.com"
    assert kinds["url"].startswith("http://demobank-dangnhap.com/otp")
    assert AuditEntry.objects.filter(action="indicator.add").count() == 2
    effects = AuditEntry.objects.get(action="report.effects", object_id=str(report.pk))
    assert effects.after["fake_host"] == "demobank-dangnhap.com"


def test_a_site_that_scores_nothing_is_listed_under_the_chosen_brand(
    personas, api_client, brand, file_report
) -> None:
    report, _ = file_report(target_url="http://quick-pay-shop.example/pay")
    change = _confirm(personas.analyst.user, report, brand=brand)
    assert change.effects is not None and change.effects.fake_host is not None
    answer = _url_check(api_client, personas.isp, "http://quick-pay-shop.example/")
    assert answer["verdict"] == "confirmed-fake"


def test_brand_protection_lists_the_unscored_site_in_the_analysts_name(
    personas, brand, file_report
) -> None:
    report, _ = file_report(target_url="http://quick-pay-shop.example/pay")
    _confirm(personas.analyst.user, report, brand=brand)
    alert = LookalikeAlert.objects.get(host="quick-pay-shop.example")
    assert (alert.brand, alert.source, alert.status) == (brand, "report", "confirmed")
    assert alert.url == "http://quick-pay-shop.example/pay"
    assert report.tracking_number in alert.decision_note
    listing = AuditEntry.objects.get(action="lookalike_alert.report", object_id=str(alert.pk))
    assert listing.actor == personas.analyst.user


def test_without_a_brand_an_unscored_site_stays_an_indicator_with_a_warning(
    personas, brand, file_report
) -> None:
    report, _ = file_report(target_url="http://plain-shop.example/pay")
    change = _confirm(personas.analyst.user, report)
    assert change.effects is not None and change.effects.fake_host is None
    assert "no brand was chosen" in change.effects.warnings[0]
    assert Indicator.objects.filter(kind="domain", value="plain-shop.example").exists()
    assert confirmed_fakes() == []


def test_an_official_site_is_never_confirmed_as_fake(personas, brand, file_report) -> None:
    report, _ = file_report(target_url="https://login.demobank.vn/")
    triage.change_status(personas.analyst.user, report, "triaging")
    with pytest.raises(ValidationError) as refusal:
        triage.change_status(personas.analyst.user, report, "confirmed", brand=brand)
    assert "host" in refusal.value.message_dict
    report.refresh_from_db()
    assert report.status == "triaging"
    assert not Indicator.objects.exists()


def test_a_confirmed_infection_becomes_an_event_of_the_reports_feed(
    personas, networks, file_report
) -> None:
    report, _ = file_report(kind="malware", target_ip="203.0.113.77", title="Botnet on my PC")
    change = _confirm(personas.analyst.user, report)
    assert change.effects is not None and change.effects.events == 1
    event = Event.objects.get()
    assert (event.source_ip, event.classification_type) == ("203.0.113.77", "infected-system")
    assert event.feed is not None and event.feed.name == "reports"
    assert event.owner == personas.isp_org
    assert event.data["extra.report"] == report.tracking_number


def test_a_malware_report_without_an_address_records_no_event(personas, file_report) -> None:
    report, _ = file_report(kind="malware", title="Slow computer")
    change = _confirm(personas.analyst.user, report)
    assert change.effects is not None and change.effects.events == 0
    assert change.effects.warnings and not Event.objects.exists()
