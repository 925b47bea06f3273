"""The TAXII server against the real ``taxii2-client``, over HTTP on the loopback."""

import datetime as dt

import pytest
import requests
import stix2
from taxii2client.common import TokenAuth
from taxii2client.exceptions import TAXIIServiceException
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from cleannet.server.exchange.collections import NATIONAL_COLLECTION_ID
from cleannet.server.exchange.services import organisation_collection_id
from cleannet.server.intel import services

EVENTS = 40
PAGE = 7  # divides no event's objects evenly, so pages end inside an event


class BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = f"Bearer {self.token}"
        return request


@pytest.fixture
def many_events(personas, networks, make_event) -> None:
    mirai = services.add_family(None, "Mirai", "botnet")
    events = [
        make_event(
            source_ip=f"203.0.113.{n % 200 + 1}",
            time_source=f"2026-03-01T08:{n % 60:02d}:00Z",
            malware_name="mirai" if n % 3 == 0 else None,
            source_fqdn=f"host{n}.example" if n % 4 == 0 else None,
        )
        for n in range(EVENTS)
    ]
    services.record_events(None, events)
    seen = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    services.upsert_indicator(None, "ipv4", "198.51.100.66", seen, family=mirai)


def _collection(live_server, auth, collection_id: str) -> Collection:
    server = Server(f"{live_server.url}/taxii2/", auth=auth)
    (root,) = server.api_roots
    return next(c for c in root.collections if c.id == collection_id)


def _all_objects(collection: Collection, per_request: int) -> tuple[list[dict], int]:
    objects, pages = [], 0
    for envelope in as_pages(collection.get_objects, per_request=per_request):
        objects.extend(envelope.get("objects", []))
        pages += 1
    return objects, pages


@pytest.mark.django_db(transaction=True)
def test_it_pages_every_object_exactly_once_with_the_real_taxii_client(
    live_server, personas, many_events
) -> None:
    collection = _collection(
        live_server, BearerAuth(personas.isp.token), organisation_collection_id(personas.isp_org)
    )
    assert collection.can_read and not collection.can_write
    paged, pages = _all_objects(collection, PAGE)
    whole, _ = _all_objects(collection, 1000)
    assert pages == -(-len(whole) // PAGE) > 5
    assert paged == whole
    observed = [o["id"] for o in paged if o["type"] == "observed-data"]
    assert len(observed) == len(set(observed)) == EVENTS
    assert sum(o["type"] == "sighting" for o in paged) == len(range(0, EVENTS, 3))
    for obj in paged:
        stix2.parse(obj)


@pytest.mark.django_db(transaction=True)
def test_it_serves_the_national_indicators_to_taxii2clients_token_auth(
    live_server, personas, many_events
) -> None:
    collection = _collection(live_server, TokenAuth(personas.isp.token), NATIONAL_COLLECTION_ID)
    envelope = collection.get_objects(**{"type": ["indicator"]})
    (indicator,) = (stix2.parse(obj) for obj in envelope["objects"])
    assert indicator.pattern == "[ipv4-addr:value = '198.51.100.66']"
    manifest = collection.get_manifest()
    assert {record["media_type"] for record in manifest["objects"]} == {
        "application/stix+json;version=2.1"
    }
    assert collection.get_object(indicator.id)["objects"][0]["id"] == indicator.id


@pytest.mark.django_db(transaction=True)
def test_it_accepts_a_token_as_the_password_of_taxii2clients_basic_auth(
    live_server, personas, many_events
) -> None:
    root = ApiRoot(f"{live_server.url}/taxii2/api1/", user="isp", password=personas.isp.token)
    assert {c.id for c in root.collections} == {
        NATIONAL_COLLECTION_ID,
        organisation_collection_id(personas.isp_org),
    }


@pytest.mark.django_db(transaction=True)
def test_it_refuses_the_real_client_without_credentials(live_server, personas) -> None:
    with pytest.raises((requests.HTTPError, TAXIIServiceException)) as refused:
        Server(f"{live_server.url}/taxii2/").refresh()
    assert "401" in str(refused.value)
