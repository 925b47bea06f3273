import pytest

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.intel import services
from cleannet.server.intel.models import Event, Feed, Indicator, MalwareFamily

pytestmark = pytest.mark.django_db

FAMILY_ADD = "/admin/intel/malwarefamily/add/"


def _family_form(**changes) -> dict:
    return {
        "name": "Agent Tesla",
        "slug": "agent-tesla",
        "kind": "infostealer",
        "platforms": '["windows"]',
        "description_vi": "",
        "description_en": "",
        "reference_url": "",
        "aliases-TOTAL_FORMS": "1",
        "aliases-INITIAL_FORMS": "0",
        "aliases-MIN_NUM_FORMS": "0",
        "aliases-MAX_NUM_FORMS": "1000",
        "aliases-0-alias": "Negasteal",
        **changes,
    }


@pytest.mark.parametrize("page", ["malwarefamily", "feed", "feedrun", "indicator", "event"])
def test_it_shows_intel_to_analysts(client, personas, page) -> None:
    client.force_login(personas.analyst.user)
    assert client.get(f"/admin/intel/{page}/").status_code == 200


@pytest.mark.parametrize("page", ["malwarefamily", "feed", "indicator"])
def test_it_lets_analysts_open_the_add_forms_of_intel(client, personas, page) -> None:
    client.force_login(personas.analyst.user)
    assert client.get(f"/admin/intel/{page}/add/").status_code == 200


def test_it_shows_a_family_with_its_aliases_to_analysts(client, personas) -> None:
    family = services.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET, aliases=["elf.mirai"])
    client.force_login(personas.analyst.user)
    response = client.get(f"/admin/intel/malwarefamily/{family.pk}/change/")
    assert response.status_code == 200
    assert "mirai" in response.content.decode()


@pytest.mark.parametrize("page", ["feedrun", "event"])
def test_it_keeps_events_and_feed_runs_read_only_even_for_admins(client, personas, page) -> None:
    client.force_login(personas.admin.user)
    assert client.get(f"/admin/intel/{page}/add/").status_code == 403


def test_it_shows_a_recorded_event_read_only(client, personas, networks, make_event) -> None:
    services.record_events(None, [make_event(source_ip="203.0.113.5")])
    client.force_login(personas.analyst.user)
    url = f"/admin/intel/event/{Event.objects.get().pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert client.post(url, {}).status_code == 403


def test_it_adds_a_family_with_folded_aliases_from_the_back_office(client, personas) -> None:
    client.force_login(personas.analyst.user)
    response = client.post(FAMILY_ADD, _family_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    family = MalwareFamily.objects.get()
    assert services.resolve_family("win.agent_tesla") == family
    assert services.resolve_family("NEGASTEAL") == family
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"malware_family.add", "malware_alias.add"} <= actions


def test_it_refuses_a_back_office_alias_that_names_another_family(client, personas) -> None:
    services.add_family(None, "Negasteal", MalwareFamily.Kind.INFOSTEALER)
    client.force_login(personas.analyst.user)
    response = client.post(FAMILY_ADD, _family_form())
    assert response.status_code == 200
    assert not MalwareFamily.objects.filter(name="Agent Tesla").exists()


def test_it_adds_a_feed_from_the_back_office_through_the_service(client, personas) -> None:
    client.force_login(personas.analyst.user)
    form = {
        "name": "urlhaus",
        "provider": "abuse.ch",
        "format": "urlhaus-csv",
        "url": "https://urlhaus.abuse.ch/downloads/csv_recent/",
        "schedule": "*/30 * * * *",
        "tlp": "CLEAR",
        "accuracy": "90",
        "default_classification_type": "malware distribution",
        "enabled": "on",
    }
    response = client.post("/admin/intel/feed/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Feed.objects.get().default_classification_type == "malware-distribution"
    assert AuditEntry.objects.filter(action="feed.add").count() == 1


def test_it_normalises_an_indicator_added_in_the_back_office(client, personas) -> None:
    client.force_login(personas.analyst.user)
    form = {
        "kind": "domain",
        "value": "Evil.Example.COM",
        "family": "",
        "feed": "",
        "first_seen_0": "2026-03-01",
        "first_seen_1": "08:00:00",
        "last_seen_0": "2026-03-01",
        "last_seen_1": "08:00:00",
        "valid_from_0": "2026-03-01",
        "valid_from_1": "08:00:00",
        "valid_until_0": "",
        "valid_until_1": "",
        "tlp": "AMBER",
        "confidence": "70",
    }
    response = client.post("/admin/intel/indicator/add/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Indicator.objects.get().value == "evil.example.com"
    assert AuditEntry.objects.filter(action="indicator.add").count() == 1
