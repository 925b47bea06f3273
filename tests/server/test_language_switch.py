"""The language switch: plain links (no form, no CSRF token) to a GET view setting the cookie."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ENGLISH_TITLE = "Together for a clean Vietnamese cyberspace"


def test_it_switches_to_english_by_a_link_and_goes_back_to_the_page(client) -> None:
    response = client.get("/i18n/switch/", {"language": "en", "next": "/check-ip/?x=1"})
    assert response.status_code == 302
    assert response["Location"] == "/check-ip/?x=1"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert "no-cache" in response["Cache-Control"]
    page = client.get("/").content.decode()
    assert ENGLISH_TITLE in page and '<html lang="en">' in page


def test_it_refuses_to_redirect_to_another_site(client) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"):
        response = client.get("/i18n/switch/", {"language": "en", "next": target})
        assert response.status_code == 302
        assert response["Location"] == "/", target


def test_it_ignores_an_unknown_language(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/i18n/switch/", {"language": "xx", "next": "/"})
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    assert ENGLISH_TITLE in client.get("/").content.decode()


def test_it_answers_get_only(client) -> None:
    assert client.post("/i18n/switch/", {"language": "en"}).status_code == 405


def test_an_anonymous_page_carries_links_and_no_csrf_token(client) -> None:
    response = client.get("/check-ip/?a=b")
    page = response.content.decode()
    assert 'href="/i18n/switch/?language=en&amp;next=/check-ip/%3Fa%3Db"' in page
    assert 'aria-current="true" lang="vi"' in page
    assert "csrfmiddlewaretoken" not in page
    assert settings.CSRF_COOKIE_NAME not in response.cookies


def test_the_link_round_trips_the_page_address(client) -> None:
    page = client.get("/check-ip/?a=b&c=d").content.decode()
    start = page.index("/i18n/switch/?language=en")
    link = page[start : page.index('"', start)].replace("&amp;", "&")
    assert client.get(link)["Location"] == "/check-ip/?a=b&c=d"


def test_djangos_post_endpoint_still_switches(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert ENGLISH_TITLE in client.get("/").content.decode()
