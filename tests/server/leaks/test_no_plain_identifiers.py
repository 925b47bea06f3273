"""After imports and every kind of look-up, no table, log line or store file holds a plain
e-mail address, phone number or password (nor an unkeyed hash of one)."""

from __future__ import annotations

import hashlib
import io
import logging

import pytest
from django.core.management import call_command

from cleannet.server.leaks import services

pytestmark = pytest.mark.django_db

LOOKED_UP = ["le.c@shop.example", "nobody@elsewhere.example", "0912345678", "0977000111"]
PLAIN = [
    "le.c@shop.example", "LE.C@SHOP", "nobody@elsewhere", "Nguyen.Van.A", "tran.thi.b",
    "secret.lover", "912345678", "977000111", "323456789", "mật khẩu", "Correct Horse",
]  # fmt: skip


def _unkeyed_hashes() -> list[str]:
    keys = ["le.c@shop.example", "nobody@elsewhere.example", "+84912345678", "+84977000111"]
    return [hashlib.sha1(k.encode(), usedforsecurity=False).hexdigest() for k in keys]


def _database_dump() -> str:
    out = io.StringIO()
    # The encyclopedia ships prose (Vietnamese "mật khẩu" is "password"): content, not data.
    call_command("dumpdata", exclude=["encyclopedia"], stdout=out)
    return out.getvalue()


def test_it_keeps_no_plain_identifier_anywhere(
    client, api_client, personas, breaches, smtp_server, leak_dir, caplog
) -> None:
    with caplog.at_level(logging.DEBUG):
        for identifier in LOOKED_UP:
            client.post("/leaks/check/", {"identifier": identifier})
        member = api_client(personas.member.token)
        for kind, key in [("email", "le.c@shop.example"), ("phone", "+84912345678")]:
            prefix = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()[:6]
            member.get(f"/api/v1/leaks/range/{kind}/{prefix}")
        services.password_range("7C4A8")

    assert len(smtp_server.messages) == 2  # the addresses got their answers
    dump = _database_dump().lower()
    assert '"model": "leaks.ratecounter"' in dump and '"model": "accounts.auditentry"' in dump
    # Everything CleanNet (and Django) logged; the test SMTP server's own log is not ours.
    logged = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("mail"))
    stored = b"".join(path.read_bytes() for path in leak_dir.rglob("*") if path.is_file())
    for text in PLAIN:
        assert text.lower() not in dump, text
        assert text.lower() not in logged.lower(), text
        assert text.encode() not in stored and text.lower().encode() not in stored, text
    for digest in _unkeyed_hashes():
        assert digest not in dump and digest.upper() not in dump.upper(), digest
