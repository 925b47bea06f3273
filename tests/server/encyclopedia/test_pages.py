import datetime as dt

import pytest
from django.conf import settings
from django.utils import timezone

from cleannet.server.encyclopedia import services, views
from cleannet.server.encyclopedia.feeds import atom, rss
from cleannet.server.intel import services as intel

pytestmark = pytest.mark.django_db


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_it_lists_the_families_and_finds_one_by_an_alias(client) -> None:
    page = english(client).get("/malware/", {"q": "Bladabindi"}).content.decode()
    assert 'href="/malware/njrat/"' in page
    assert "Emotet" not in page


def test_it_filters_the_list_by_platform(client) -> None:
    page = client.get("/malware/", {"platform": "android"}).content.decode()
    assert "GoldDigger" in page
    assert "WannaCry" not in page


def test_it_shows_a_family_in_vietnamese_by_default(client) -> None:
    page = client.get("/malware/wannacry/").content.decode()
    assert "MS17-010" in page
    assert "Mã độc tống tiền" in page
    assert 'href="/tools/"' in page and 'href="/scan/"' in page


def test_it_shows_a_family_in_english_with_the_attack_licence(client) -> None:
    page = english(client).get("/malware/wannacry/").content.decode()
    assert "Ransomware and worm" in page
    assert "https://attack.mitre.org/software/S0366/" in page
    assert "reproduced and distributed with the permission of The MITRE Corporation" in page


def test_it_shows_what_the_platform_sees_without_an_address(client, make_event) -> None:
    now = timezone.now()
    events = [
        make_event(source_ip=f"203.0.113.{i}", malware_name="mirai",
                   time_source=(now - dt.timedelta(days=days)).isoformat())
        for i, days in ((5, 1), (6, 10), (7, 45))
    ]  # fmt: skip
    intel.record_events(None, events)
    response = english(client).get("/malware/mirai/")
    page = response.content.decode()
    assert "<strong>2</strong> events in the last 30 days" in page
    assert "<strong>3</strong> events in the last 90 days" in page
    assert "<polyline" in page
    assert "203.0.113." not in page


def test_it_answers_404_for_an_unknown_family(client) -> None:
    assert client.get("/malware/no-such-thing/").status_code == 404


def test_it_lists_alerts_and_hides_scheduled_ones(client) -> None:
    base = {"summary_vi": "Tóm tắt", "summary_en": "Summary", "severity": "high"}
    shown = services.publish_advisory(None, title_vi="Đã đăng", title_en="Out", **base)
    later = services.publish_advisory(
        None, title_vi="Sắp đăng", title_en="Soon", **base,
        published_at=timezone.now() + dt.timedelta(days=1),
    )  # fmt: skip
    page = client.get("/alerts/").content.decode()
    assert "Đã đăng" in page and "Sắp đăng" not in page
    assert client.get(f"/alerts/{shown.pk}/").status_code == 200
    assert client.get(f"/alerts/{later.pk}/").status_code == 404


@pytest.mark.parametrize(
    "view", [views.family_list, views.family_detail, views.advisory_list,
             views.advisory_detail, rss, atom],
)  # fmt: skip
def test_it_makes_every_page_public_by_an_explicit_decision(view) -> None:
    assert view.allowed_roles == frozenset({"public"})


def test_it_serves_the_pages_to_signed_in_users_too(client, personas) -> None:
    client.force_login(personas.isp.user)
    assert client.get("/malware/").status_code == 200
    assert client.get("/alerts/").status_code == 200
