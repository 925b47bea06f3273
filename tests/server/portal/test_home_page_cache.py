"""The home page for anonymous visitors is rendered once per language and kept for a minute."""

import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.encyclopedia import services as encyclopedia
from cleannet.server.encyclopedia.models import Advisory
from cleannet.server.portal import views

pytestmark = pytest.mark.django_db


def publish(title_en):
    return encyclopedia.publish_advisory(
        None, title_vi=f"VI {title_en}", title_en=title_en, summary_vi="Tóm tắt",
        summary_en="Summary", severity="high", published_at=timezone.now(),
    )  # fmt: skip


def publish_elsewhere(title_en):
    """An advisory stored the way another process's save looks from here: no signal."""
    return Advisory.objects.bulk_create([
        Advisory(title_vi=f"VI {title_en}", title_en=title_en, summary_vi="T", summary_en="S",
                 severity="high", published_at=timezone.now() - dt.timedelta(minutes=1))
    ])[0]  # fmt: skip


def test_anonymous_visitors_share_one_rendering_per_language(client) -> None:
    first = client.get("/")
    publish_elsewhere("Not yet")
    again = client.get("/")
    assert again.content == first.content
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/")
    assert "Not yet" in english.content.decode()
    assert english["Content-Language"] == "en" and again["Content-Language"] == "vi"


def test_the_kept_page_has_the_live_pages_headers_and_no_cookie(client) -> None:
    live, kept = client.get("/"), client.get("/")
    for response in (live, kept):
        assert response.status_code == 200
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Language"] == "vi"
        assert "Cookie" in response["Vary"]
        assert not response.cookies
        assert "csrfmiddlewaretoken" not in response.content.decode()


def test_a_published_advisory_drops_the_kept_pages(client) -> None:
    client.get("/")
    publish("Fresh warning")
    assert "VI Fresh warning" in client.get("/").content.decode()


def test_a_signed_in_user_gets_the_live_page(client, personas) -> None:
    client.get("/")
    client.force_login(personas.analyst.user)
    publish_elsewhere("Live for staff")
    page = client.get("/").content.decode()
    assert "VI Live for staff" in page
    assert personas.analyst.user.username in page


def test_a_query_string_is_not_kept(client) -> None:
    client.get("/")
    publish_elsewhere("With a query")
    assert "VI With a query" in client.get("/", {"utm": "x"}).content.decode()
    assert "VI With a query" not in client.get("/").content.decode()


def test_nothing_is_kept_with_zero_seconds(client, settings) -> None:
    settings.CLEANNET_HOME_PAGE_CACHE_SECONDS = 0
    client.get("/")
    publish_elsewhere("Zero")
    assert "VI Zero" in client.get("/").content.decode()


def test_the_menu_follows_the_role(client, personas) -> None:
    assert "/triage/" not in client.get("/check-ip/").content.decode()
    client.force_login(personas.analyst.user)
    assert "/triage/" in client.get("/check-ip/").content.decode()
    client.force_login(personas.member.user)
    page = client.get("/check-ip/").content.decode()
    assert "/triage/" not in page and 'href="/brands/"' in page


def test_chart_dates_are_formatted_in_the_visitors_language(client) -> None:
    views._short_date.cache_clear()
    day = dt.date(2026, 3, 1)
    from django.utils import translation

    with translation.override("en"):
        english = views._short_date(day, "en")
    with translation.override("vi"):
        vietnamese = views._short_date(day, "vi")
    assert english != vietnamese
    assert "2026" in english and "2026" in vietnamese
