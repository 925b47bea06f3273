import base64
import datetime as dt
import re

import pytest
import stix2
from django.test import Client

from cleannet.server.exchange.collections import NATIONAL_COLLECTION_ID
from cleannet.server.exchange.services import organisation_collection_id
from cleannet.server.intel import services

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db

TAXII = "application/taxii+json;version=2.1"
ROOT = "/taxii2/api1/"


class Taxii:
    """A test client speaking TAXII 2.1 with a persona's token (or none)."""

    def __init__(self, token: str | None, scheme: str = "Bearer", accept: str = TAXII) -> None:
        self.client = Client()
        self.headers = {"Accept": accept}
        if token:
            self.headers["Authorization"] = f"{scheme} {token}"

    def get(self, path: str, **params):
        return self.client.get(path, params, headers=self.headers)

    def request(self, method: str, path: str):
        return self.client.generic(method, path, b"{}", TAXII, headers=self.headers)


def _objects_url(collection_id: str) -> str:
    return f"{ROOT}collections/{collection_id}/objects/"


def _ok(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == TAXII
    return response.json()


def test_it_describes_the_server_and_its_one_api_root(personas) -> None:
    discovery = _ok(Taxii(personas.member.token).get("/taxii2/"))
    assert discovery["default"] == "http://testserver/taxii2/api1/"
    assert discovery["api_roots"] == [discovery["default"]]
    root = _ok(Taxii(personas.member.token).get(ROOT))
    assert root["versions"] == [TAXII]
    assert root["max_content_length"] == 0


@pytest.mark.parametrize(
    "path", ["/taxii2/", ROOT, f"{ROOT}collections/", _objects_url(NATIONAL_COLLECTION_ID)]
)
def test_it_asks_for_credentials_in_a_taxii_error(personas, path) -> None:
    response = Taxii(None).get(path)
    assert response.status_code == 401
    assert "Bearer" in response["WWW-Authenticate"]
    assert response.json()["http_status"] == "401"
    assert response.json()["title"]


def test_it_refuses_an_unknown_token(personas) -> None:
    response = Taxii("cn_not-a-real-token").get("/taxii2/")
    assert response.status_code == 401
    assert "unknown" in response.json()["description"]


@pytest.mark.parametrize("scheme", ["Bearer", "Token"])
def test_it_accepts_the_token_schemes_taxii_clients_send(personas, scheme) -> None:
    _ok(Taxii(personas.isp.token, scheme=scheme).get("/taxii2/"))


def test_it_accepts_an_api_token_as_the_basic_password(personas) -> None:
    basic = base64.b64encode(f"isp-operator:{personas.isp.token}".encode()).decode()
    _ok(Taxii(basic, scheme="Basic").get(f"{ROOT}collections/"))


def test_it_never_accepts_an_account_password_over_basic(personas) -> None:
    basic = base64.b64encode(f"isp-operator:{PASSWORD}".encode()).decode()
    assert Taxii(basic, scheme="Basic").get("/taxii2/").status_code == 401


@pytest.mark.parametrize(
    "accept",
    [TAXII, "application/taxii+json", "*/*", "application/*", "text/html, application/taxii+json"],
)
def test_it_answers_the_accept_headers_that_admit_taxii_2_1(personas, accept) -> None:
    _ok(Taxii(personas.isp.token, accept=accept).get(ROOT))


@pytest.mark.parametrize(
    "accept", ["application/json", "application/taxii+json;version=2.0", "text/html"]
)
def test_it_answers_406_to_an_accept_header_without_taxii_2_1(personas, accept) -> None:
    response = Taxii(personas.isp.token, accept=accept).get(ROOT)
    assert response.status_code == 406
    assert response.json()["http_status"] == "406"


def _collection_ids(persona) -> set[str]:
    return {c["id"] for c in _ok(Taxii(persona.token).get(f"{ROOT}collections/"))["collections"]}


def test_it_shows_an_isp_operator_its_own_collection_and_the_national_one(personas) -> None:
    expected = {organisation_collection_id(personas.isp_org), NATIONAL_COLLECTION_ID}
    assert _collection_ids(personas.isp) == expected


def test_it_shows_an_organisation_member_only_its_own_collection(personas) -> None:
    assert _collection_ids(personas.member) == {organisation_collection_id(personas.bank)}


def test_it_shows_authority_staff_every_collection(personas) -> None:
    ids = _collection_ids(personas.analyst)
    assert NATIONAL_COLLECTION_ID in ids
    assert organisation_collection_id(personas.other_isp_org) in ids


def test_it_says_collections_are_read_only(personas) -> None:
    path = f"{ROOT}collections/{NATIONAL_COLLECTION_ID}/"
    collection = _ok(Taxii(personas.isp.token).get(path))
    assert collection["can_read"] is True and collection["can_write"] is False
    assert collection["media_types"] == ["application/stix+json;version=2.1"]


@pytest.mark.parametrize("suffix", ["", "objects/", "manifest/"])
def test_it_answers_404_for_another_organisations_collection(personas, suffix) -> None:
    other = organisation_collection_id(personas.other_isp_org)
    response = Taxii(personas.isp.token).get(f"{ROOT}collections/{other}/{suffix}")
    assert response.status_code == 404
    assert response.json()["http_status"] == "404"


def test_it_answers_404_for_the_national_collection_to_an_organisation_member(personas) -> None:
    assert Taxii(personas.member.token).get(_objects_url(NATIONAL_COLLECTION_ID)).status_code == 404


def test_it_refuses_to_add_objects_with_403(personas) -> None:
    response = Taxii(personas.admin.token).request("POST", _objects_url(NATIONAL_COLLECTION_ID))
    assert response.status_code == 403
    assert response.json()["http_status"] == "403"


@pytest.mark.parametrize(("method", "path"), [("PUT", "/taxii2/"), ("POST", f"{ROOT}collections/")])
def test_it_answers_405_to_methods_an_endpoint_does_not_offer(personas, method, path) -> None:
    response = Taxii(personas.admin.token).request(method, path)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


def _isp_objects(personas, **params) -> dict:
    url = _objects_url(organisation_collection_id(personas.isp_org))
    return _ok(Taxii(personas.isp.token).get(url, **params))


def test_it_serves_an_isp_its_events_as_valid_stix(personas, world) -> None:
    envelope = _isp_objects(personas)
    assert envelope["more"] is False
    parsed = [stix2.parse(obj) for obj in envelope["objects"]]
    observed = [obj for obj in parsed if obj.type == "observed-data"]
    assert len(observed) == len(world.isp_events) == 3
    values = {obj.value for obj in parsed if obj.type in ("ipv4-addr", "ipv6-addr")}
    assert "198.51.100.4" not in values, "another ISP's host leaked"


def test_it_keeps_tlp_red_indicators_from_isp_operators(personas, world) -> None:
    def patterns(persona) -> list[str]:
        envelope = _ok(Taxii(persona.token).get(_objects_url(NATIONAL_COLLECTION_ID)))
        return [o["pattern"] for o in envelope["objects"] if o["type"] == "indicator"]

    assert not any("secret.example.com" in p for p in patterns(personas.isp))
    assert any("secret.example.com" in p for p in patterns(personas.analyst))


def test_it_leaves_expired_indicators_and_phone_numbers_out(personas, world) -> None:
    envelope = _ok(Taxii(personas.admin.token).get(_objects_url(NATIONAL_COLLECTION_ID)))
    patterns = " ".join(o["pattern"] for o in envelope["objects"] if o["type"] == "indicator")
    assert "198.51.100.99" not in patterns
    assert "+84" not in patterns
    assert "[autonomous-system:number = 64511]" in patterns


def test_it_filters_objects_by_type_and_id(personas, world) -> None:
    observed = _isp_objects(personas, **{"match[type]": "observed-data,sighting"})["objects"]
    assert {o["type"] for o in observed} == {"observed-data", "sighting"}
    one = _isp_objects(personas, **{"match[id]": observed[0]["id"]})["objects"]
    assert [o["id"] for o in one] == [observed[0]["id"]]


def test_it_serves_nothing_for_a_spec_version_it_does_not_hold(personas, world) -> None:
    assert _isp_objects(personas, **{"match[spec_version]": "2.0"})["objects"] == []


def test_it_serves_only_objects_added_after_a_time(personas, world) -> None:
    everything = Taxii(personas.isp.token).get(_objects_url(NATIONAL_COLLECTION_ID))
    last = everything["X-TAXII-Date-Added-Last"]
    later = Taxii(personas.isp.token).get(_objects_url(NATIONAL_COLLECTION_ID), added_after=last)
    assert _ok(later)["objects"] == []
    assert "X-TAXII-Date-Added-First" not in later


def test_it_gives_date_added_headers_of_the_page(personas, world) -> None:
    response = Taxii(personas.isp.token).get(
        _objects_url(organisation_collection_id(personas.isp_org)), limit=2
    )
    stamp = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
    assert stamp.match(response["X-TAXII-Date-Added-First"])
    assert response["X-TAXII-Date-Added-First"] <= response["X-TAXII-Date-Added-Last"]


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"added_after": "yesterday"}, "added_after"),
        ({"added_after": "2026-13-01T00:00:00Z"}, "added_after"),
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"next": "not-a-token"}, "next"),
        ({"match[version]": "2026-03-01"}, "match[version]"),
        ({"match[type]": ","}, "match[type]"),
    ],
)
def test_it_answers_400_naming_a_malformed_parameter(personas, world, params, parameter) -> None:
    url = _objects_url(NATIONAL_COLLECTION_ID)
    response = Taxii(personas.isp.token).get(url, **params)
    assert response.status_code == 400
    assert response.json()["http_status"] == "400"
    assert response.json()["description"].startswith(parameter + ":")


def test_it_lists_a_manifest_with_versions_and_media_types(personas, world) -> None:
    url = f"{ROOT}collections/{NATIONAL_COLLECTION_ID}/manifest/"
    records = _ok(Taxii(personas.isp.token).get(url))["objects"]
    indicator = next(r for r in records if r["id"].startswith("indicator--"))
    assert indicator["media_type"] == "application/stix+json;version=2.1"
    assert indicator["version"] >= indicator["date_added"][:19]


def test_it_serves_one_object_and_its_versions(personas, world) -> None:
    objects = _ok(Taxii(personas.isp.token).get(_objects_url(NATIONAL_COLLECTION_ID)))["objects"]
    indicator = next(o for o in objects if o["type"] == "indicator")
    base = f"{_objects_url(NATIONAL_COLLECTION_ID)}{indicator['id']}/"
    assert _ok(Taxii(personas.isp.token).get(base))["objects"] == [indicator]
    versions = _ok(Taxii(personas.isp.token).get(base + "versions/"))["versions"]
    assert versions == [indicator["modified"]]
    assert Taxii(personas.isp.token).request("DELETE", base).status_code == 403


def test_it_answers_404_for_an_object_it_does_not_hold(personas, world) -> None:
    missing = "indicator--00000000-0000-5000-8000-000000000000"
    url = f"{_objects_url(NATIONAL_COLLECTION_ID)}{missing}/"
    assert Taxii(personas.isp.token).get(url).status_code == 404
    assert Taxii(personas.isp.token).get(url + "versions/").status_code == 404


def test_it_serves_a_new_version_of_an_indicator_after_it_is_widened(personas, world) -> None:
    url = _objects_url(NATIONAL_COLLECTION_ID)
    before = Taxii(personas.isp.token).get(url)["X-TAXII-Date-Added-Last"]
    seen = dt.datetime(2026, 3, 5, tzinfo=dt.UTC)
    services.upsert_indicator(None, "ipv4", "198.51.100.66", seen, confidence=90)
    fresh = _ok(Taxii(personas.isp.token).get(url, added_after=before))["objects"]
    assert [o["type"] for o in fresh] == ["indicator", "relationship"]
    assert fresh[0]["confidence"] == 90
    assert fresh[0]["modified"] > fresh[0]["created"]
