"""Importing the ISP's contact list: good rows in, bad rows kept with line, field and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleannet.core.errors import InvalidValue
from cleannet.server.accounts.models import AuditEntry
from cleannet.server.notices import contacts
from cleannet.server.notices.contacts import import_contacts
from cleannet.server.notices.models import ContactImport, SubscriberContact

pytestmark = pytest.mark.django_db

LIST = (
    "subscriber,email,phone,language,channels\n"
    "sub-1,an@example.org,0912 345 678,vi,email;sms;page\n"
    "sub-2,bo@example.org,,EN,\n"
    "sub-3,,,,page\n"  # no address at all: the page needs none
    "sub-4,not-an-address,,vi,\n"
    "sub-5,,12345,vi,\n"
    "sub-6,,,fr,\n"
    "sub-7,,,vi,email;fax\n"
    ",lost@example.org,,vi,\n"
    "sub-1,other@example.org,,vi,\n"  # listed again: a duplicate, the first row wins
    "sub-8,too,many,fields,here,oops\n"
    "\n"
)


def test_it_imports_the_good_rows_and_keeps_the_bad_ones_with_line_field_and_reason():
    run = import_contacts(LIST, "contacts.csv")

    assert (run.read, run.accepted, run.rejected, run.duplicates) == (10, 3, 6, 1)
    refused = {(r.line, r.field) for r in run.rejections.all()}
    assert refused == {
        (5, "email"), (6, "phone"), (7, "language"), (8, "channels"), (9, "subscriber"), (11, ""),
    }  # fmt: skip
    fax = run.rejections.get(field="channels")
    assert "'fax'" in fax.reason and fax.raw == "sub-7,,,vi,email;fax"
    stored = {c.subscriber: c for c in SubscriberContact.objects.all()}
    assert set(stored) == {"sub-1", "sub-2", "sub-3"}
    assert (stored["sub-1"].email, stored["sub-1"].phone) == ("an@example.org", "+84912345678")
    assert stored["sub-1"].channels == ["email", "sms", "page"]
    assert (stored["sub-2"].language, stored["sub-2"].channels) == ("en", [])
    assert stored["sub-3"].email == stored["sub-3"].phone == ""
    assert AuditEntry.objects.filter(action="contact_import.run").count() == 1


def test_it_updates_known_subscribers_and_tolerates_a_byte_order_mark(tmp_path: Path):
    import_contacts(LIST, "first.csv")
    path = tmp_path / "second.csv"
    text = "Subscriber,Channels,Email,Phone,Language\r\nsub-2,sms,,0987654321,vi\r\n"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())

    run = import_contacts(path)

    assert (run.file_name, run.read, run.accepted) == ("second.csv", 1, 1)
    contact = SubscriberContact.objects.get(subscriber="sub-2")
    assert (contact.email, contact.phone, contact.channels) == ("", "+84987654321", ["sms"])
    assert contact.source == run
    assert SubscriberContact.objects.count() == 3


def test_it_refuses_a_file_without_the_columns_and_stores_nothing():
    with pytest.raises(InvalidValue) as refused:
        import_contacts("subscriber,email\nsub-1,an@example.org\n", "short.csv")

    assert refused.value.field == "file" and "phone" in refused.value.reason
    assert not ContactImport.objects.exists() and not SubscriberContact.objects.exists()


def test_it_refuses_a_file_that_is_not_utf8():
    with pytest.raises(InvalidValue, match="not UTF-8"):
        import_contacts(
            "subscriber,email,phone,language,channels\nNguy\xe1n,,,vi,\n".encode("latin-1")
        )


def test_it_refuses_files_over_the_size_and_row_limits(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(contacts, "MAX_BYTES", 100)
    with pytest.raises(InvalidValue, match="MiB"):
        import_contacts(LIST, "big.csv")
    monkeypatch.setattr(contacts, "MAX_BYTES", 10_000)
    monkeypatch.setattr(contacts, "MAX_ROWS", 3)
    with pytest.raises(InvalidValue, match="more than 3 rows"):
        import_contacts(LIST, "long.csv")
    assert not ContactImport.objects.exists()


def test_it_keeps_going_after_a_row_with_a_huge_field():
    huge = "x" * 200_000
    text = f'subscriber,email,phone,language,channels\nsub-1,"{huge}",,vi,\nsub-2,,,vi,\n'

    run = import_contacts(text, "huge.csv")

    assert (run.read, run.accepted, run.rejected) == (2, 1, 1)
    assert run.rejections.get().line == 2
    assert len(run.rejections.get().raw) <= 1000
    assert SubscriberContact.objects.get().subscriber == "sub-2"
