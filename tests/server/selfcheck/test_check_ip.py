"""'Is my IP infected?': the visitor's own address against the last 30 days of events."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def _page(client: Client, peer: str = "192.0.2.7", **params: str) -> tuple[int, str]:
    response = client.get("/check-ip/", params, REMOTE_ADDR=peer)
    return response.status_code, response.content.decode()


def test_it_tells_a_clean_visitor_that_no_infection_was_seen(client) -> None:
    status, page = _page(client)
    assert status == 200
    assert "192.0.2.7" in page
    assert 'lang="vi"' in page


def test_it_names_the_family_with_its_encyclopedia_page_and_what_to_do(client, record) -> None:
    record("192.0.2.7", days_ago=3, family="Mozi")
    record("192.0.2.7", days_ago=1, family="Mozi", port=2)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    status, page = _page(client)
    assert status == 200
    assert "Signs of infection were seen" in page
    assert '<a href="/malware/mozi/">Mozi</a>' in page
    assert 'href="/tools/"' in page and 'href="/scan/"' in page
    assert "Infected device" in page


def test_it_shows_an_unnamed_family_as_unknown_malware(client, record) -> None:
    record("192.0.2.7", days_ago=1)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Unknown malware" in _page(client)[1]


def test_it_forgets_events_older_than_thirty_days(client, record) -> None:
    record("192.0.2.7", days_ago=31, family="Mozi")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _page(client)[1]
    assert "No infection seen" in page
    assert "Mozi" not in page


def test_it_checks_an_ipv6_visitor(client, record) -> None:
    record("2001:db8:a::5", days_ago=1, family="Mozi")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = _page(client, peer="2001:0db8:000a:0000:0000:0000:0000:0005")[1]
    assert "2001:db8:a::5" in page
    assert "Signs of infection were seen" in page


@pytest.mark.parametrize("persona", [None, "isp", "member"])
def test_it_never_shows_another_address_to_the_public_or_operators(
    client, personas, record, persona
) -> None:
    record("198.51.100.9", days_ago=1, family="Mozi")
    if persona:
        client.force_login(getattr(personas, persona).user)
    status, page = _page(client, address="198.51.100.9")
    assert status == 200
    assert "<code>192.0.2.7</code>" in page
    assert "<code>198.51.100.9</code>" not in page
    assert "Mozi" not in page
    assert 'name="address"' not in page


@pytest.mark.parametrize("persona", ["analyst", "admin"])
def test_it_lets_authority_staff_check_any_address(client, personas, record, persona) -> None:
    record("198.51.100.9", days_ago=1, family="Mozi")
    client.force_login(getattr(personas, persona).user)
    status, page = _page(client, address="198.51.100.9")
    assert status == 200
    assert 'name="address"' in page
    assert "<code>198.51.100.9</code>" in page and "Mozi" in page


def test_it_refuses_a_malformed_address_from_an_analyst_naming_it(client, personas) -> None:
    client.force_login(personas.analyst.user)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    status, page = _page(client, address="999.1.1.1")
    assert status == 400
    assert "999.1.1.1 is not an IPv4 or IPv6 address" in page


def test_it_keeps_the_answer_out_of_shared_caches(client) -> None:
    response = client.get("/check-ip/", REMOTE_ADDR="192.0.2.7")
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_it_caches_an_answer_briefly(client, record) -> None:
    _page(client)
    record("192.0.2.7", days_ago=1, family="Mozi")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "No infection seen" in _page(client)[1]
    cache.clear()
    assert "Signs of infection were seen" in _page(client)[1]


@pytest.mark.parametrize("infected", [False, True])
def test_it_answers_a_visitor_again_without_touching_the_database(
    client, record, django_assert_num_queries, infected
) -> None:
    if infected:
        record("192.0.2.7", days_ago=1, family="Mozi")
    first = _page(client)[1]
    with django_assert_num_queries(0):
        status, again = _page(client)
    assert status == 200
    assert ("Mozi" in again) is infected and ("Mozi" in first) is infected


def test_it_checks_the_forwarded_address_behind_a_trusted_proxy(client, record) -> None:
    record("198.51.100.9", days_ago=1, family="Mozi")
    with override_settings(CLEANNET_TRUSTED_PROXIES=["127.0.0.0/8"]):
        response = client.get(
            "/check-ip/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"
        )
    assert "Mozi" in response.content.decode()


def test_it_says_so_when_the_address_cannot_be_known(client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    with override_settings(CLEANNET_TRUSTED_PROXIES=["127.0.0.0/8"]):
        response = client.get(
            "/check-ip/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, junk"
        )
    assert response.status_code == 200
    assert "We could not tell your address" in response.content.decode()
