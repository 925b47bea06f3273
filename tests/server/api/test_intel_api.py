import datetime as dt
from dataclasses import dataclass

import pytest

from cleannet.server.intel import services
from cleannet.server.intel.models import Event, Feed, MalwareFamily

pytestmark = pytest.mark.django_db

FAMILIES = "/api/v1/intel/families"
EVENTS = "/api/v1/intel/events"
INDICATORS = "/api/v1/intel/indicators"
FEEDS = "/api/v1/intel/feeds"
RUNS = "/api/v1/intel/feeds/sinkhole/runs"
SEEN = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


@dataclass
class Recorded:
    feed: Feed
    mirai: MalwareFamily
    isp_event: Event
    other_isp_event: Event


@pytest.fixture
def recorded(personas, networks, make_event) -> Recorded:
    """Three events in ISP A's space, one in ISP B's, one in nobody's; two indicators."""
    feed = services.add_feed(None, "sinkhole", "Shadowserver", "shadowserver-csv")
    mirai = services.add_family(None, "Mirai", MalwareFamily.Kind.BOTNET, aliases=["elf.mirai"])
    services.record_events(
        None,
        [
            make_event(source_ip="203.0.113.1", malware_name="mirai", source_port=23),
            make_event(source_ip="203.0.113.2", time_source="2026-03-02T00:00:00Z"),
            make_event(source_ip="2001:db8:a::3", classification_type="scanner"),
            make_event(source_ip="198.51.100.4", malware_name="mirai"),
            make_event(source_ip="192.0.2.5"),
        ],
        feed=feed,
    )
    services.finish_feed_run(services.start_feed_run(feed), 5, 5, 0, 0)
    services.upsert_indicator(None, "ipv4", "198.51.100.66", SEEN, family=mirai)
    services.upsert_indicator(None, "domain", "secret.example.com", SEEN, tlp="RED")
    return Recorded(
        feed=feed,
        mirai=mirai,
        isp_event=Event.objects.get(source_ip="203.0.113.1"),
        other_isp_event=Event.objects.get(source_ip="198.51.100.4"),
    )


def _ips(response) -> list[str]:
    assert response.status_code == 200, response.content
    return sorted(item["source.ip"] for item in response.json()["items"])


ALL_PATHS = [FAMILIES, EVENTS, EVENTS + "/1", INDICATORS, FEEDS, RUNS]


@pytest.mark.parametrize("path", ALL_PATHS)
def test_it_refuses_every_intel_endpoint_without_credentials(api_client, recorded, path) -> None:
    assert api_client(None).get(path).status_code == 401


@pytest.mark.parametrize(
    ("path", "persona"),
    [
        (INDICATORS, "member"),
        (FEEDS, "isp"),
        (FEEDS, "member"),
        (RUNS, "isp"),
        (RUNS, "member"),
    ],
)
def test_it_refuses_intel_endpoints_to_roles_they_are_not_for(
    api_client, personas, recorded, path, persona
) -> None:
    assert api_client(personas.all()[persona].token).get(path).status_code == 403


@pytest.mark.parametrize("persona", ["admin", "analyst", "isp", "other_isp", "member"])
def test_it_lists_malware_families_to_every_role(api_client, personas, recorded, persona) -> None:
    response = api_client(personas.all()[persona].token).get(FAMILIES)
    assert response.status_code == 200
    assert response.json()[0]["slug"] == "mirai"
    assert response.json()[0]["aliases"] == ["mirai"]


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_event_to_authority_staff(api_client, personas, recorded, persona) -> None:
    response = api_client(personas.all()[persona].token).get(EVENTS)
    assert len(_ips(response)) == 5


def test_it_lists_only_its_own_events_to_an_isp_operator(api_client, personas, recorded) -> None:
    response = api_client(personas.isp.token).get(EVENTS)
    assert _ips(response) == ["2001:db8:a::3", "203.0.113.1", "203.0.113.2"]


def test_it_refuses_an_isp_operator_another_isps_events(api_client, personas, recorded) -> None:
    client = api_client(personas.isp.token)
    assert _ips(client.get(EVENTS, owner="phuong-nam-net")) == []
    assert _ips(client.get(EVENTS, source_ip="198.51.100.4")) == []
    assert client.get(f"{EVENTS}/{recorded.other_isp_event.pk}").status_code == 404


def test_it_shows_an_organisation_member_no_events_of_others(
    api_client, personas, recorded
) -> None:
    client = api_client(personas.member.token)
    assert _ips(client.get(EVENTS)) == []
    assert client.get(f"{EVENTS}/{recorded.isp_event.pk}").status_code == 404


def test_it_names_event_fields_as_intelmq_does(api_client, personas, recorded) -> None:
    response = api_client(personas.isp.token).get(EVENTS, source_ip="203.0.113.1")
    item = response.json()["items"][0]
    assert item | {"id": 0, "event_hash": "", "recorded_at": ""} == {
        "id": 0,
        "event_hash": "",
        "recorded_at": "",
        "time.source": "2026-03-01T08:00:00Z",
        "time.observation": None,
        "feed.name": "sinkhole",
        "classification.taxonomy": "malicious-code",
        "classification.type": "infected-system",
        "classification.identifier": "",
        "malware.name": "mirai",
        "source.ip": "203.0.113.1",
        "source.port": 23,
        "source.asn": 64500,
        "source.network": "203.0.113.0/24",
        "source.fqdn": "",
        "source.url": "",
        "destination.ip": None,
        "destination.port": None,
        "tlp": "AMBER",
        "owner": "song-hong-net",
        "family": "mirai",
    }


def test_it_shows_an_isp_operator_its_own_event_in_full(api_client, personas, recorded) -> None:
    response = api_client(personas.isp.token).get(f"{EVENTS}/{recorded.isp_event.pk}")
    assert response.status_code == 200
    assert response.json()["data"] == recorded.isp_event.data
    assert response.json()["source.ip"] == "203.0.113.1"


def test_it_answers_404_for_an_event_that_does_not_exist(api_client, personas, recorded) -> None:
    assert api_client(personas.admin.token).get(f"{EVENTS}/999999").status_code == 404


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"since": "2026-03-02"}, ["203.0.113.2"]),
        ({"until": "2026-03-01T08:00:01+00:00", "source_ip": "203.0.113.1"}, ["203.0.113.1"]),
        ({"classification_type": "Scanner"}, ["2001:db8:a::3"]),
        ({"family": "ELF.Mirai"}, ["198.51.100.4", "203.0.113.1"]),
        ({"source_ip": "2001:DB8:A:0::3"}, ["2001:db8:a::3"]),
        ({"owner": "phuong-nam-net"}, ["198.51.100.4"]),
    ],
)
def test_it_filters_events(api_client, personas, recorded, params, expected) -> None:
    assert _ips(api_client(personas.analyst.token).get(EVENTS, **params)) == expected


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("since", {"since": "yesterday"}),
        ("until", {"until": "2026-13-01"}),
        ("source_ip", {"source_ip": "203.0.113"}),
        ("classification_type", {"classification_type": "virus"}),
        ("family", {"family": "no-such-family"}),
    ],
)
def test_it_answers_400_naming_a_malformed_event_filter(
    api_client, personas, recorded, field, params
) -> None:
    response = api_client(personas.isp.token).get(EVENTS, **params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("params", [{"limit": 1001}, {"limit": 0}, {"after": -1}])
def test_it_refuses_a_page_outside_the_limits(api_client, personas, recorded, params) -> None:
    response = api_client(personas.admin.token).get(EVENTS, **params)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == next(iter(params))


def test_it_pages_events_with_a_cursor(api_client, personas, recorded) -> None:
    client = api_client(personas.admin.token)
    seen: list[str] = []
    after = 0
    for _ in range(3):
        page = client.get(EVENTS, limit=2, after=after).json()
        seen += [item["source.ip"] for item in page["items"]]
        if page["next_after"] is None:
            break
        after = page["next_after"]
    assert len(seen) == 5 == len(set(seen))
    assert page["next_after"] is None


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_indicator_to_authority_staff(
    api_client, personas, recorded, persona
) -> None:
    response = api_client(personas.all()[persona].token).get(INDICATORS)
    assert response.status_code == 200
    assert {item["value"] for item in response.json()["items"]} == {
        "198.51.100.66",
        "secret.example.com",
    }


def test_it_keeps_tlp_red_indicators_from_isp_operators(api_client, personas, recorded) -> None:
    response = api_client(personas.isp.token).get(INDICATORS)
    assert [item["value"] for item in response.json()["items"]] == ["198.51.100.66"]
    assert response.json()["items"][0]["family"] == "mirai"


def test_it_filters_indicators_by_kind_and_family(api_client, personas, recorded) -> None:
    client = api_client(personas.analyst.token)
    by_kind = client.get(INDICATORS, kind="domain").json()["items"]
    by_family = client.get(INDICATORS, family="mirai").json()["items"]
    assert [item["value"] for item in by_kind] == ["secret.example.com"]
    assert [item["value"] for item in by_family] == ["198.51.100.66"]


@pytest.mark.parametrize(
    ("field", "params"), [("kind", {"kind": "ip"}), ("since", {"since": "soon"})]
)
def test_it_answers_400_naming_a_malformed_indicator_filter(
    api_client, personas, recorded, field, params
) -> None:
    response = api_client(personas.isp.token).get(INDICATORS, **params)
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_feeds_and_their_runs_to_authority_staff(
    api_client, personas, recorded, persona
) -> None:
    client = api_client(personas.all()[persona].token)
    assert [feed["name"] for feed in client.get(FEEDS).json()] == ["sinkhole"]
    runs = client.get(RUNS).json()
    assert [(run["status"], run["read"], run["accepted"]) for run in runs] == [("succeeded", 5, 5)]


def test_it_answers_404_for_the_runs_of_an_unknown_feed(api_client, personas, recorded) -> None:
    response = api_client(personas.admin.token).get("/api/v1/intel/feeds/nope/runs")
    assert response.status_code == 404
