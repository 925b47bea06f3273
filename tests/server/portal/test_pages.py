import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

VIETNAMESE_TITLE = "Chung tay vì không gian mạng Việt Nam sạch"
ENGLISH_TITLE = "Together for a clean Vietnamese cyberspace"


def test_it_serves_the_home_page_in_vietnamese_by_default(client) -> None:
    response = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    assert VIETNAMESE_TITLE in response.content.decode()
    assert response["Content-Language"] == "vi"


def test_it_switches_to_english_and_remembers_it(client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    page = client.get("/").content.decode()
    assert ENGLISH_TITLE in page
    assert '<html lang="en">' in page


def test_it_ignores_an_unknown_language_cookie(client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert VIETNAMESE_TITLE in client.get("/").content.decode()


def test_it_offers_the_language_switch_on_the_login_page(client) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/i18n/switch/?language=en&amp;next=/accounts/login/"' in page


def test_it_reports_health_with_the_worker_state(client) -> None:
    body = client.get("/healthz").json()
    assert body["database"] == "ok"
    assert body["worker"] == "never seen"


def test_it_shows_the_national_picture_without_any_address(client, make_event) -> None:
    from django.utils import timezone

    from cleannet.server.intel import services

    services.add_family(None, "Mozi", "botnet")
    when = timezone.now().replace(microsecond=0).isoformat()
    event = make_event(time_source=when, source_ip="192.0.2.77", malware_name="Mozi")
    services.record_events(None, [event])
    page = client.get("/").content.decode()
    assert '<svg class="chart"' in page
    assert "Mozi" in page
    assert "192.0.2.77" not in page
