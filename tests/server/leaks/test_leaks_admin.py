"""The back office shows breaches with counts (never people); admins edit and delete them."""

from __future__ import annotations

import pytest
from django.conf import settings

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.leaks.models import Breach
from cleannet.server.leaks.sms import OutboxSender

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_lists_breaches_with_their_hash_counts_to_authority_staff(
    english, personas, breaches, persona
) -> None:
    english.force_login(personas.all()[persona].user)

    listing = english.get("/admin/leaks/breach/").content.decode()
    detail = english.get(f"/admin/leaks/breach/{breaches.shop.pk}/change/").content.decode()

    assert "Secret Dating" in listing and "Demo Shop customers" in listing
    assert "Distinct hashes" in detail
    assert "shop.example" not in listing + detail  # counts, never people


def test_it_keeps_analysts_from_changing_breaches(english, personas, breaches) -> None:
    english.force_login(personas.analyst.user)

    assert english.get("/admin/leaks/breach/add/").status_code == 403
    url = f"/admin/leaks/breach/{breaches.shop.pk}/delete/"
    assert english.post(url, {"post": "yes"}).status_code == 403


def test_it_lets_an_admin_delete_a_breach_and_its_files(english, personas, breaches, leak_dir):
    english.force_login(personas.admin.user)
    files = [leak_dir / s.path for s in breaches.dating.stores.all()]

    response = english.post(f"/admin/leaks/breach/{breaches.dating.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Breach.objects.filter(name="dating").exists()
    assert files and not any(path.exists() for path in files)
    assert AuditEntry.objects.get(action="breach.delete").actor == personas.admin.user


def test_it_lets_an_admin_mark_a_breach_sensitive(english, personas, breaches) -> None:
    english.force_login(personas.admin.user)
    url = f"/admin/leaks/breach/{breaches.telecom.pk}/change/"
    form = {
        "title": "Telecom subscribers", "record_count": "7", "sensitive": "on",
        "data_classes": ["phone", "password"],
        "stores-TOTAL_FORMS": "0", "stores-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = english.post(url, form)

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Breach.objects.get(name="telecom").sensitive is True
    assert AuditEntry.objects.filter(action="breach.edit", actor=personas.admin.user).count() == 1
    assert "Telecom subscribers" not in english.get("/leaks/").content.decode()


def test_it_shows_outbox_messages_with_the_number_masked(english, personas, leak_dir) -> None:
    OutboxSender().send("+84912345678", "CleanNet: your number was not found.")
    english.force_login(personas.analyst.user)

    page = english.get("/admin/leaks/smsoutboxmessage/").content.decode()

    assert "+84*******78" in page
    assert "912345678" not in page


def test_it_keeps_isp_operators_out(client, personas, breaches) -> None:
    client.force_login(personas.isp.user)
    assert client.get("/admin/leaks/breach/").status_code == 302  # to the login page


def test_it_lets_an_admin_add_a_breach_through_the_registry(english, personas, leak_dir) -> None:
    english.force_login(personas.admin.user)
    form = {
        "name": "vn-shop-2026", "title": "VN Shop", "occurred_on": "2026-01-15",
        "record_count": "1200", "data_classes": ["email", "phone"],
        "stores-TOTAL_FORMS": "0", "stores-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = english.post("/admin/leaks/breach/add/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    breach = Breach.objects.get(name="vn-shop-2026")
    assert (breach.title, breach.data_classes, breach.sensitive) == (
        "VN Shop", ["email", "phone"], False
    )  # fmt: skip
    assert AuditEntry.objects.get(action="breach.add").actor == personas.admin.user
