import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.encyclopedia import services

pytestmark = pytest.mark.django_db


def publish(title_en, severity, hours_ago):
    return services.publish_advisory(
        None, title_vi=f"VI {title_en}", title_en=title_en, summary_vi="Tóm tắt",
        summary_en="Summary", severity=severity,
        published_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )  # fmt: skip


def test_it_shows_the_current_warnings_most_severe_first(client) -> None:
    medium = publish("Medium news", "medium", 1)
    severe = publish("Severe warning", "severe", 30)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/").content.decode()
    assert page.index("Severe warning") < page.index("Medium news") < page.index("picture-title")
    assert f'href="/alerts/{severe.pk}/"' in page and f'href="/alerts/{medium.pk}/"' in page


def test_it_shows_a_new_warning_at_once_though_the_picture_is_cached(client) -> None:
    client.get("/")
    publish("Fresh warning", "high", 0)
    assert "VI Fresh warning" in client.get("/").content.decode()


def test_it_links_to_every_self_check(client) -> None:
    page = client.get("/").content.decode()
    for path in ("/check-ip/", "/brands/check/", "/leaks/", "/scan/", "/report/", "/malware/"):
        assert f'href="{path}"' in page, path
