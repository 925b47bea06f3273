import pytest

from cleannet.server.networks import services
from cleannet.server.networks.models import Prefix

pytestmark = pytest.mark.django_db

PREFIXES = "/api/v1/networks/prefixes"
OWNER = "/api/v1/networks/owner"
SYSTEMS = "/api/v1/networks/autonomous-systems"

NEW_PREFIX = {"cidr": "192.0.2.0/24", "organisation": "song-hong-net", "valid_from": "2026-01-01"}


def _cidrs(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["cidr"] for row in response.json()]


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", PREFIXES), ("post", PREFIXES), ("get", OWNER + "?ip=203.0.113.1"), ("get", SYSTEMS)],
)
def test_it_refuses_every_networks_endpoint_without_credentials(
    api_client, networks, method, path
) -> None:
    client = api_client(None)
    response = client.get(path) if method == "get" else client.post(path, NEW_PREFIX)
    assert response.status_code == 401


def test_it_refuses_a_revoked_looking_token(api_client, networks) -> None:
    assert api_client("cn_not-a-real-token").get(PREFIXES).status_code == 401


@pytest.mark.parametrize("persona", ["isp", "member"])
def test_it_refuses_prefix_creation_to_anyone_but_authority_staff(
    api_client, personas, networks, persona
) -> None:
    token = personas.all()[persona].token
    assert api_client(token).post(PREFIXES, NEW_PREFIX).status_code == 403
    assert not Prefix.objects.filter(cidr="192.0.2.0/24").exists()


def test_it_refuses_the_owner_lookup_to_an_organisation_member(
    api_client, personas, networks
) -> None:
    response = api_client(personas.member.token).get(OWNER, ip="203.0.113.1")
    assert response.status_code == 403


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_every_prefix_to_authority_staff(api_client, personas, networks, persona) -> None:
    response = api_client(personas.all()[persona].token).get(PREFIXES)
    assert sorted(_cidrs(response)) == ["198.51.100.0/24", "2001:db8:a::/48", "203.0.113.0/24"]


def test_it_filters_prefixes_by_organisation_for_authority_staff(
    api_client, personas, networks
) -> None:
    response = api_client(personas.analyst.token).get(PREFIXES, organisation="phuong-nam-net")
    assert _cidrs(response) == ["198.51.100.0/24"]
    assert response.json()[0] | {"id": 0} == {
        "id": 0,
        "cidr": "198.51.100.0/24",
        "family": 4,
        "prefix_len": 24,
        "organisation": "phuong-nam-net",
        "asn": 64501,
        "valid_from": "2020-01-01",
        "valid_until": None,
        "note": "",
    }


def test_it_lists_only_its_own_prefixes_to_an_isp_operator(api_client, personas, networks) -> None:
    assert sorted(_cidrs(api_client(personas.isp.token).get(PREFIXES))) == [
        "2001:db8:a::/48",
        "203.0.113.0/24",
    ]
    assert _cidrs(api_client(personas.other_isp.token).get(PREFIXES)) == ["198.51.100.0/24"]


def test_it_never_shows_an_isp_operator_another_isps_prefixes(
    api_client, personas, networks
) -> None:
    response = api_client(personas.isp.token).get(PREFIXES, organisation="phuong-nam-net")
    assert _cidrs(response) == []


def test_it_lists_an_organisation_members_own_prefixes_only(api_client, personas, networks) -> None:
    services.add_prefix(None, "192.0.2.0/25", personas.bank, networks.isp_v4.valid_from)
    assert _cidrs(api_client(personas.member.token).get(PREFIXES)) == ["192.0.2.0/25"]


def test_it_pages_prefixes_with_limit_and_offset(api_client, personas, networks) -> None:
    first = _cidrs(api_client(personas.admin.token).get(PREFIXES, limit=2))
    rest = _cidrs(api_client(personas.admin.token).get(PREFIXES, limit=2, offset=2))
    assert len(first) == 2 and len(rest) == 1


def test_it_refuses_a_limit_above_a_thousand(api_client, personas, networks) -> None:
    response = api_client(personas.admin.token).get(PREFIXES, limit=1001)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "limit"


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_creates_a_prefix_for_authority_staff(api_client, personas, networks, persona) -> None:
    payload = {**NEW_PREFIX, "asn": 64500, "note": "from VNNIC"}
    response = api_client(personas.all()[persona].token).post(PREFIXES, payload)
    assert response.status_code == 201, response.content
    assert response.json()["cidr"] == "192.0.2.0/24"
    assert response.json()["asn"] == 64500
    assert Prefix.objects.get(cidr="192.0.2.0/24").organisation == personas.isp_org


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("cidr", {"cidr": "192.0.2.1/24"}),
        ("cidr", {"cidr": "192.0.2.0/33"}),
        ("organisation", {"organisation": "nobody"}),
        ("asn", {"asn": 65000}),
        ("valid_until", {"valid_until": "2025-01-01"}),
        ("valid_from", {"cidr": "203.0.113.0/24"}),
    ],
)
def test_it_answers_400_naming_the_refused_field(
    api_client, personas, networks, field, changes
) -> None:
    response = api_client(personas.analyst.token).post(PREFIXES, {**NEW_PREFIX, **changes})
    assert response.status_code == 400, response.content
    assert [error["field"] for error in response.json()["detail"]] == [field]


def test_it_answers_422_naming_a_malformed_date(api_client, personas, networks) -> None:
    response = api_client(personas.analyst.token).post(
        PREFIXES, {**NEW_PREFIX, "valid_from": "01/01/2026"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "valid_from"


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_tells_authority_staff_who_owns_any_address(
    api_client, personas, networks, persona
) -> None:
    response = api_client(personas.all()[persona].token).get(
        OWNER, ip="198.51.100.7", at="2026-03-01T08:00:00Z"
    )
    assert response.status_code == 200
    assert response.json() == {
        "ip": "198.51.100.7",
        "at": "2026-03-01",
        "prefix": "198.51.100.0/24",
        "organisation": "phuong-nam-net",
        "organisation_name": "Phuong Nam Net",
        "asn": 64501,
        "as_name": "Phuong Nam",
        "valid_from": "2020-01-01",
        "valid_until": None,
    }


def test_it_tells_an_isp_operator_who_owns_its_own_address(api_client, personas, networks) -> None:
    response = api_client(personas.isp.token).get(OWNER, ip="2001:db8:a::1")
    assert response.status_code == 200
    assert response.json()["organisation"] == "song-hong-net"


def test_it_answers_404_to_an_isp_operator_asking_about_another_isps_address(
    api_client, personas, networks
) -> None:
    response = api_client(personas.isp.token).get(OWNER, ip="198.51.100.7")
    assert response.status_code == 404


def test_it_answers_404_for_an_address_nobody_held_at_that_time(
    api_client, personas, networks
) -> None:
    client = api_client(personas.analyst.token)
    assert client.get(OWNER, ip="192.0.2.1").status_code == 404
    assert client.get(OWNER, ip="203.0.113.1", at="2019-06-01").status_code == 404


@pytest.mark.parametrize(
    ("field", "params"),
    [
        ("ip", {"ip": "203.0.113.256"}),
        ("ip", {"ip": "not an address"}),
        ("at", {"ip": "203.0.113.1", "at": "yesterday"}),
        ("at", {"ip": "203.0.113.1", "at": "2026-02-30"}),
    ],
)
def test_it_answers_400_naming_a_malformed_owner_query(
    api_client, personas, networks, field, params
) -> None:
    response = api_client(personas.analyst.token).get(OWNER, **params)
    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == field


@pytest.mark.parametrize("persona", ["admin", "analyst", "isp", "other_isp", "member"])
def test_it_lists_autonomous_systems_to_every_role(api_client, personas, networks, persona) -> None:
    response = api_client(personas.all()[persona].token).get(SYSTEMS)
    assert response.status_code == 200
    assert [row["number"] for row in response.json()] == [64500, 64501]


def test_it_filters_autonomous_systems_by_organisation(api_client, personas, networks) -> None:
    response = api_client(personas.member.token).get(SYSTEMS, organisation="song-hong-net")
    assert response.json() == [
        {"number": 64500, "name": "Song Hong", "organisation": "song-hong-net", "country": "VN"}
    ]
