"""``GET /api/v1/leaks/range/{kind}/{6 hex}``: organisations match their customers' hashes."""

from __future__ import annotations

import dataclasses
import hashlib

import pytest

from cleannet.core.indicators import mailbox_key
from cleannet.server.accounts.models import AuditEntry

pytestmark = pytest.mark.django_db


def _sha1(text: str) -> str:
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest().upper()


def _ask(client, kind: str, key: str):
    digest = _sha1(key)
    response = client.get(f"/api/v1/leaks/range/{kind}/{digest[:6]}")
    return response, digest[6:]


def _entry(response, suffix: str) -> dict:
    assert response.status_code == 200, response.content
    return next(entry for entry in response.json() if entry["suffix"] == suffix)


def test_it_gives_a_bank_the_suffixes_and_hides_the_sensitive_breachs_name(
    api_client, personas, breaches
) -> None:
    response, suffix = _ask(api_client(personas.member.token), "email", "le.c@shop.example")

    assert _entry(response, suffix) == {"suffix": suffix, "breaches": ["shop", "sensitive"]}
    assert all(len(entry["suffix"]) == 34 for entry in response.json())
    assert "dating" not in response.content.decode()


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_it_names_sensitive_breaches_to_authority_staff(
    api_client, personas, breaches, persona
) -> None:
    client = api_client(personas.all()[persona].token)
    response, suffix = _ask(client, "email", mailbox_key("Tran.Thi.B@bücher.example"))

    assert _entry(response, suffix)["breaches"] == ["dating", "shop"]


def test_it_finds_a_phone_number_in_every_breach_that_holds_it(
    api_client, personas, breaches
) -> None:
    response, suffix = _ask(api_client(personas.member.token), "phone", "+84912345678")

    assert _entry(response, suffix)["breaches"] == ["shop", "telecom"]


def test_it_answers_an_empty_list_for_a_prefix_with_no_hash(api_client, personas, breaches) -> None:
    client = api_client(personas.member.token)
    known = {_sha1(mailbox_key(a))[:6] for a in ("le.c@shop.example", "secret.lover@shop.example")}
    prefix = next(p for p in ("000000", "FFFFFF", "ABCDEF") if p not in known)

    response = client.get(f"/api/v1/leaks/range/email/{prefix.lower()}")

    assert response.status_code == 200
    assert response.json() == []


def test_it_writes_every_look_up_to_the_audit_log_without_a_suffix(
    api_client, personas, breaches
) -> None:
    response, suffix = _ask(api_client(personas.member.token), "email", "le.c@shop.example")

    entry = AuditEntry.objects.get(action="leaks.account_range")
    assert entry.actor == personas.member.user
    assert entry.after == {"kind": "email", "prefix": _sha1("le.c@shop.example")[:6], "suffixes": 1}
    assert suffix not in str(entry.after) and suffix not in str(entry.before)
    assert response.status_code == 200


def test_it_refuses_an_isp_operator(api_client, personas, breaches) -> None:
    response, _ = _ask(api_client(personas.isp.token), "email", "le.c@shop.example")

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="leaks.account_range").exists()


def test_it_refuses_a_caller_without_credentials(api_client, personas, breaches) -> None:
    response, _ = _ask(api_client(None), "email", "le.c@shop.example")
    assert response.status_code == 401


@pytest.mark.parametrize(
    ("path", "field"),
    [("password/ABCDEF", "kind"), ("email/ABCDE", "prefix"), ("email/ABCDEG", "prefix")],
)
def test_it_names_a_malformed_kind_or_prefix(api_client, personas, leak_dir, path, field) -> None:
    response = api_client(personas.member.token).get(f"/api/v1/leaks/range/{path}")

    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


def test_it_answers_429_past_the_per_minute_limit(
    api_client, personas, leak_dir, settings, one_window
) -> None:
    settings.CLEANNET_LEAKS = dataclasses.replace(settings.CLEANNET_LEAKS, ranges_per_user_minute=2)
    client = api_client(personas.member.token)

    statuses = [client.get("/api/v1/leaks/range/email/ABCDEF").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    refused = client.get("/api/v1/leaks/range/phone/ABCDEF")
    assert refused["Retry-After"] == "60"
    other_user = api_client(personas.analyst.token).get("/api/v1/leaks/range/email/ABCDEF")
    assert other_user.status_code == 200
