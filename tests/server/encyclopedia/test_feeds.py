import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from cleannet.server.encyclopedia import services
from cleannet.server.intel.services import resolve_family

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)  # noqa: S314 (our own server's feed, in a test)


@pytest.fixture
def advisory():
    return services.publish_advisory(
        None, title_vi="Cảnh báo botnet camera", title_en="Camera botnet warning",
        summary_vi="Đổi mật khẩu mặc định.", summary_en="Change default passwords.",
        severity="severe", families=[resolve_family("Mirai")], published_at=timezone.now(),
    )  # fmt: skip


def test_it_serves_a_valid_rss_feed_in_vietnamese_by_default(client, advisory) -> None:
    response = client.get("/alerts/feed.rss")
    assert response["Content-Type"].startswith("application/rss+xml")
    root = parse(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required), required
    assert channel.findtext("language") == "vi"
    item = channel.find("item")
    assert item.findtext("title") == "Cảnh báo botnet camera"
    assert item.findtext("link").endswith(f"/alerts/{advisory.pk}/")
    assert item.findtext("guid") and item.findtext("pubDate")
    assert "Mirai" in [c.text for c in item.findall("category")]


def test_it_serves_the_feed_in_the_language_the_address_names(client, advisory) -> None:
    root = parse(client.get("/alerts/feed.rss", {"lang": "en"}).content)
    assert root.find("channel/item").findtext("title") == "Camera botnet warning"
    assert root.findtext("channel/language") == "en"


def test_it_falls_back_to_the_default_language_for_an_unknown_one(client, advisory) -> None:
    root = parse(client.get("/alerts/feed.rss", {"lang": "xx"}).content)
    assert root.find("channel/item").findtext("title") == "Cảnh báo botnet camera"


def test_it_serves_a_valid_atom_feed(client, advisory) -> None:
    response = client.get("/alerts/feed.atom", {"lang": "en"})
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = parse(response.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}"), required
    entry = feed.find(f"{ATOM}entry")
    for required in ("id", "title", "updated"):
        assert entry.findtext(f"{ATOM}{required}"), required
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/alerts/{advisory.pk}/")
    assert entry.findtext(f"{ATOM}title") == "Camera botnet warning"


def test_it_serves_an_empty_feed_when_nothing_is_published(client) -> None:
    root = parse(client.get("/alerts/feed.rss").content)
    assert root.find("channel/item") is None
