import pytest
from django.core.exceptions import ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks import services
from cleannet.server.networks.models import AbuseContact, AutonomousSystem

pytestmark = pytest.mark.django_db


def test_it_adds_an_autonomous_system_written_with_an_as_prefix(personas) -> None:
    system = services.add_autonomous_system(personas.analyst.user, "as 64510", "Test AS")
    assert system.number == 64510
    assert system.country == "VN"
    assert AuditEntry.objects.filter(action="autonomous_system.add").count() == 1


def test_it_refuses_an_as_number_that_is_already_known(personas) -> None:
    services.add_autonomous_system(None, 64510, "Test AS")
    with pytest.raises(ValidationError) as caught:
        services.add_autonomous_system(None, "AS64510", "Again")
    assert "number" in caught.value.message_dict
    assert AutonomousSystem.objects.count() == 1


def test_it_refuses_a_malformed_as_number(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_autonomous_system(None, "ASX", "Broken")
    assert "number" in caught.value.message_dict


def test_it_refuses_a_country_that_is_not_two_letters(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_autonomous_system(None, 64510, "Test AS", country="VNM")
    assert "country" in caught.value.message_dict


def test_it_stores_an_abuse_contact_phone_in_e164(personas) -> None:
    contact = services.add_abuse_contact(
        personas.admin.user, personas.isp_org, "NOC", "Abuse@Example.ORG", phone="0912 345 678"
    )
    assert contact.phone == "+84912345678"
    assert contact.email == "Abuse@example.org"
    assert AuditEntry.objects.filter(action="abuse_contact.add").count() == 1


def test_it_refuses_a_malformed_phone_naming_the_field(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_abuse_contact(None, personas.isp_org, "NOC", "noc@example.org", phone="12")
    assert "phone" in caught.value.message_dict


def test_it_refuses_a_malformed_email_naming_the_field(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_abuse_contact(None, personas.isp_org, "NOC", "not-an-address")
    assert "email" in caught.value.message_dict


def test_a_new_primary_contact_replaces_the_old_one(personas) -> None:
    old = services.add_abuse_contact(
        None, personas.isp_org, "Old", "old@example.org", is_primary=True
    )
    new = services.add_abuse_contact(
        None, personas.isp_org, "New", "new@example.org", is_primary=True
    )
    old.refresh_from_db()
    assert (old.is_primary, new.is_primary) == (False, True)
    assert AuditEntry.objects.filter(action="abuse_contact.demote").count() == 1


def test_a_prefix_contact_does_not_replace_the_organisation_primary(personas, networks) -> None:
    services.add_abuse_contact(None, personas.isp_org, "Org", "org@example.org", is_primary=True)
    services.add_abuse_contact(
        None, personas.isp_org, "Block", "b@example.org", is_primary=True, prefix=networks.isp_v4
    )
    assert AbuseContact.objects.filter(is_primary=True).count() == 2


def test_it_refuses_a_contact_for_another_organisations_prefix(personas, networks) -> None:
    with pytest.raises(ValidationError) as caught:
        services.add_abuse_contact(
            None, personas.isp_org, "NOC", "noc@example.org", prefix=networks.other_v4
        )
    assert "prefix" in caught.value.message_dict
