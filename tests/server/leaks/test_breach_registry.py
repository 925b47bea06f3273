"""The breach registry: add, edit, import (re-import replaces) and delete with the files."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.leaks import services
from cleannet.server.leaks.models import Breach, BreachStore

pytestmark = pytest.mark.django_db

SHA1_123456 = hashlib.sha1(b"123456", usedforsecurity=False).hexdigest().upper()


def _count(prefix_hex: str, suffix: str) -> int:
    return dict(services.password_range(prefix_hex)).get(suffix, 0)


def test_it_adds_a_breach_with_an_audit_entry(personas, leak_dir) -> None:
    breach = services.add_breach(
        personas.admin.user, "vn-shop-2025", "VN Shop", data_classes=["email", "name"]
    )

    entry = AuditEntry.objects.get(action="breach.add")
    assert entry.actor == personas.admin.user
    assert entry.after["name"] == "vn-shop-2025"
    with translation.override("en"):
        assert breach.data_class_labels() == ["E-mail addresses", "Names"]


@pytest.mark.parametrize(
    ("name", "details", "field"),
    [
        ("with space", {}, "name"),
        ("ok", {"data_classes": ["souls"]}, "data_classes"),
        ("ok", {"title": "  "}, "title"),
        ("ok", {"pk": 5}, "pk"),
    ],
)
def test_it_refuses_a_bad_breach_naming_the_field(leak_dir, name, details, field) -> None:
    with pytest.raises(ValidationError) as refused:
        services.add_breach(None, name, details.pop("title", "Title"), **details)
    assert field in refused.value.message_dict


def test_it_refuses_a_second_breach_of_the_same_name(leak_dir) -> None:
    services.add_breach(None, "shop", "Shop")
    with pytest.raises(ValidationError, match="exists"):
        services.add_breach(None, "shop", "Shop again")


def test_it_records_each_store_with_its_counts_and_the_data_class(breaches, leak_dir) -> None:
    stores = {s.kind: s for s in BreachStore.objects.filter(breach=breaches.shop)}

    assert sorted(stores) == ["email", "password_ntlm", "password_sha1", "phone"]
    # Seven rows: two spellings of one mailbox, two more, "not-an-address" (bad), an empty
    # cell (skipped) and the cut-short last row, which still reads as an address.
    email = stores["email"]
    assert (email.hashes, email.rows_read, email.rows_used, email.rows_bad) == (4, 7, 5, 1)
    assert (stores["password_sha1"].hashes, stores["password_ntlm"].hashes) == (7, 7)
    for store in stores.values():
        assert (leak_dir / store.path).is_file()
        assert store.path.startswith("breaches/shop/")
    breach = Breach.objects.get(name="shop")
    assert breach.data_classes == ["name", "email", "phone", "password"]


def test_it_creates_the_breach_of_a_first_import(leak_dir, fixtures_dir) -> None:
    services.import_breach_file("new-leak", "email", [fixtures_dir / "shop-customers.csv"],
                                mapping={"value": "email"})  # fmt: skip

    breach = Breach.objects.get(name="new-leak")
    assert breach.title == "new-leak"
    assert breach.data_classes == ["email"]


def test_it_replaces_a_kinds_store_on_re_import(breaches, leak_dir, fixtures_dir) -> None:
    before = BreachStore.objects.get(breach=breaches.telecom, kind="password_sha1")
    assert _count(SHA1_123456[:5], SHA1_123456[5:]) == 6

    services.import_breach_file("telecom", "password", [fixtures_dir / "forum-passwords.txt"])

    after = BreachStore.objects.get(breach=breaches.telecom, kind="password_sha1")
    assert after.path != before.path
    assert not (leak_dir / before.path).exists()
    assert (leak_dir / after.path).is_file()
    assert _count(SHA1_123456[:5], SHA1_123456[5:]) == 6  # replaced, not added again


def test_it_deletes_a_breach_with_its_rows_and_files(breaches, leak_dir) -> None:
    paths = [leak_dir / s.path for s in breaches.telecom.stores.all()]

    services.delete_breach(None, breaches.telecom)

    assert not Breach.objects.filter(name="telecom").exists()
    assert not BreachStore.objects.filter(breach_id=breaches.telecom.pk).exists()
    assert not any(path.exists() for path in paths)
    assert not (leak_dir / "breaches" / "telecom").exists()
    assert _count(SHA1_123456[:5], SHA1_123456[5:]) == 3  # the shop's count alone
    assert AuditEntry.objects.filter(action="breach.delete").count() == 1


def test_it_merges_the_password_stores_of_several_breaches(breaches, leak_dir) -> None:
    assert (leak_dir / "combined" / "password_sha1.store").is_file()
    assert (leak_dir / "combined" / "password_ntlm.store").is_file()

    services.delete_breach(None, breaches.telecom)

    # One breach with passwords left: its own store answers, nothing to merge.
    assert not (leak_dir / "combined" / "password_sha1.store").exists()


def test_it_hides_a_breach_made_sensitive_at_once(api_client, personas, breaches) -> None:
    services.edit_breach(personas.admin.user, breaches.telecom, sensitive=True)

    digest = hashlib.sha1(b"+84912345678", usedforsecurity=False).hexdigest().upper()
    response = api_client(personas.member.token).get(f"/api/v1/leaks/range/phone/{digest[:6]}")
    [entry] = [e for e in response.json() if e["suffix"] == digest[6:]]
    assert entry["breaches"] == ["shop", "sensitive"]


def test_it_refuses_an_unknown_import_kind(leak_dir, fixtures_dir) -> None:
    with pytest.raises(ValidationError) as refused:
        services.import_breach_file("x", "ssn", [fixtures_dir / "forum-passwords.txt"])
    assert "kind" in refused.value.message_dict
    assert not Breach.objects.exists()
