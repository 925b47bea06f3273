import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks.models import AbuseContact, AutonomousSystem, Prefix

pytestmark = pytest.mark.django_db

ADD_PREFIX = "/admin/networks/prefix/add/"


def _prefix_form(personas, **changes) -> dict:
    return {
        "cidr": "192.0.2.0/24",
        "organisation": personas.isp_org.pk,
        "asn": "",
        "valid_from": "2026-01-01",
        "valid_until": "",
        "note": "",
        **changes,
    }


@pytest.mark.parametrize("page", ["prefix", "autonomoussystem", "abusecontact"])
def test_it_shows_the_network_registry_to_analysts(client, personas, networks, page) -> None:
    client.force_login(personas.analyst.user)
    assert client.get(f"/admin/networks/{page}/").status_code == 200
    assert client.get(f"/admin/networks/{page}/add/").status_code == 200


def test_it_adds_a_prefix_from_the_back_office_through_the_service(client, personas) -> None:
    client.force_login(personas.analyst.user)
    response = client.post(ADD_PREFIX, _prefix_form(personas))
    assert response.status_code == 302, response.content.decode()[:2000]
    prefix = Prefix.objects.get()
    assert (prefix.start_key, prefix.end_key) == ("c0000200", "c00002ff")
    assert AuditEntry.objects.get(action="prefix.add").actor == personas.analyst.user


def test_it_shows_a_host_bits_error_on_the_back_office_form(client, personas) -> None:
    client.force_login(personas.analyst.user)
    response = client.post(ADD_PREFIX, _prefix_form(personas, cidr="192.0.2.1/24"))
    assert response.status_code == 200
    assert "host bits" in response.content.decode()
    assert not Prefix.objects.exists()


def test_it_shows_an_overlap_error_on_the_back_office_form(client, personas, networks) -> None:
    client.force_login(personas.analyst.user)
    response = client.post(ADD_PREFIX, _prefix_form(personas, cidr="203.0.113.0/24"))
    assert response.status_code == 200
    assert Prefix.objects.filter(cidr="203.0.113.0/24").count() == 1


def test_it_ends_a_prefix_from_the_back_office_through_the_service(
    client, personas, networks
) -> None:
    client.force_login(personas.analyst.user)
    url = f"/admin/networks/prefix/{networks.isp_v4.pk}/change/"
    form = {"asn": networks.isp_as.pk, "valid_until": "2026-06-01", "note": "returned"}
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    networks.isp_v4.refresh_from_db()
    assert str(networks.isp_v4.valid_until) == "2026-06-01"
    assert AuditEntry.objects.filter(action="prefix.edit").count() == 1


def test_it_adds_an_autonomous_system_and_audits_a_change(client, personas) -> None:
    client.force_login(personas.admin.user)
    add = {"number": "64999", "name": "Test", "organisation": "", "country": "vn"}
    assert client.post("/admin/networks/autonomoussystem/add/", add).status_code == 302
    system = AutonomousSystem.objects.get()
    change = {**add, "name": "Renamed", "country": "VN"}
    url = f"/admin/networks/autonomoussystem/{system.pk}/change/"
    assert client.post(url, change).status_code == 302
    entry = AuditEntry.objects.get(action="autonomous_system.edit")
    assert (entry.before["name"], entry.after["name"]) == ("Test", "Renamed")


def test_it_audits_a_deletion_from_the_back_office(client, personas) -> None:
    client.force_login(personas.admin.user)
    contact = AbuseContact.objects.create(
        organisation=personas.isp_org, name="NOC", email="noc@example.org"
    )
    url = f"/admin/networks/abusecontact/{contact.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    entry = AuditEntry.objects.get(action="abuse_contact.delete")
    assert entry.object_id == str(contact.pk)
    assert entry.before["email"] == "noc@example.org"


def test_it_stores_an_abuse_contact_phone_in_e164_from_the_back_office(client, personas) -> None:
    client.force_login(personas.analyst.user)
    form = {
        "organisation": personas.isp_org.pk,
        "prefix": "",
        "name": "NOC",
        "email": "noc@example.org",
        "phone": "0912 345 678",
        "language": "vi",
        "is_primary": "on",
    }
    response = client.post("/admin/networks/abusecontact/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AbuseContact.objects.get().phone == "+84912345678"
