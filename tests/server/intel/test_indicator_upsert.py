import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import services
from cleannet.server.intel.models import Indicator, MalwareFamily

pytestmark = pytest.mark.django_db

MARCH_1 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
MARCH_5 = dt.datetime(2026, 3, 5, tzinfo=dt.UTC)


def test_it_stores_a_new_indicator_normalised(personas) -> None:
    indicator, created = services.upsert_indicator(
        personas.analyst.user, "domain", "EVIL.Example.COM.", MARCH_1
    )
    assert created
    assert (indicator.kind, indicator.value) == ("domain", "evil.example.com")
    assert (indicator.first_seen, indicator.last_seen) == (MARCH_1, MARCH_1)
    assert AuditEntry.objects.filter(action="indicator.add").count() == 1


def test_it_widens_the_seen_range_of_a_known_indicator(personas) -> None:
    services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_5)
    indicator, created = services.upsert_indicator(None, "ipv4", " 203.0.113.5 ", MARCH_1)
    assert not created
    assert (indicator.first_seen, indicator.last_seen) == (MARCH_1, MARCH_5)
    assert Indicator.objects.count() == 1
    assert AuditEntry.objects.filter(action="indicator.update").count() == 1


def test_it_keeps_the_stricter_tlp_and_the_higher_confidence(personas) -> None:
    services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_1, tlp="RED", confidence=80)
    indicator, _ = services.upsert_indicator(
        None, "ipv4", "203.0.113.5", MARCH_5, tlp="GREEN", confidence=40
    )
    assert (indicator.tlp, indicator.confidence) == ("RED", 80)


def test_it_fills_a_missing_family_but_keeps_a_known_one(personas) -> None:
    emotet = services.add_family(None, "Emotet", MalwareFamily.Kind.LOADER)
    qakbot = services.add_family(None, "Qakbot", MalwareFamily.Kind.BANKING_TROJAN)
    services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_1)
    indicator, _ = services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_1, family=emotet)
    assert indicator.family == emotet
    indicator, _ = services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_1, family=qakbot)
    assert indicator.family == emotet


def test_it_keeps_validity_open_once_a_sighting_is_open_ended(personas) -> None:
    services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_1, valid_until=MARCH_5)
    indicator, _ = services.upsert_indicator(None, "ipv4", "203.0.113.5", MARCH_5)
    assert indicator.valid_until is None


@pytest.mark.parametrize(
    ("field", "kind", "value", "extra"),
    [
        ("kind", "ip", "203.0.113.5", {}),
        ("value", "ipv4", "203.0.113.500", {}),
        ("confidence", "ipv4", "203.0.113.5", {"confidence": 101}),
        ("tlp", "ipv4", "203.0.113.5", {"tlp": "blue"}),
    ],
)
def test_it_refuses_a_bad_indicator_naming_the_field(personas, field, kind, value, extra) -> None:
    with pytest.raises(ValidationError) as caught:
        services.upsert_indicator(None, kind, value, MARCH_1, **extra)
    assert field in caught.value.message_dict
    assert not Indicator.objects.exists()
