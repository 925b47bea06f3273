"""``/api/v1/url-check`` answers a verdict per URL; the hash-prefix interface matches a
confirmed fake without the client sending its URL; every operation refuses the wrong roles."""

from __future__ import annotations

import hashlib

import pytest

from cleannet.engines.lookalike.hashprefix import expression_hashes
from cleannet.server.brands import alerts
from cleannet.server.brands.models import LookalikeAlert

pytestmark = pytest.mark.django_db

FAKE = "demobank-dangnhap.com"


@pytest.fixture
def confirmed(personas, brand) -> LookalikeAlert:
    alerts.record_names([FAKE], "certstream")
    return alerts.confirm_alert(personas.analyst.user, LookalikeAlert.objects.get())


def _check(api_client, persona, url: str):
    return api_client(persona.token).get("/api/v1/url-check", url=url)


def test_every_role_may_check_a_url(personas, api_client, brand) -> None:
    for persona in personas.all().values():
        assert _check(api_client, persona, "http://example.org/").status_code == 200


def test_it_answers_each_verdict(personas, api_client, brand) -> None:
    official = _check(api_client, personas.isp, "https://WWW.DemoBank.vn:443/a/../login#x").json()
    assert official["verdict"] == "official" and official["brand"] == "demobank"
    assert official["canonical"] == "https://www.demobank.vn/login"
    assert official["host"] == "www.demobank.vn" and official["registrable"] == "demobank.vn"
    ok = _check(api_client, personas.isp, "example.org").json()
    assert (ok["verdict"], ok["brand"]) == ("ok", None)
    alert = _check(api_client, personas.isp, f"http://{FAKE}/otp").json()
    assert alert["verdict"] == "alert" and alert["score"] >= alerts.alert_threshold()
    assert {"code", "text", "points", "detail"} <= set(alert["reasons"][0])
    assert LookalikeAlert.objects.get(host=FAKE).source == "url-check"


def test_a_confirmed_fake_answers_so_whatever_the_score(personas, api_client, confirmed) -> None:
    LookalikeAlert.objects.filter(pk=confirmed.pk).update(score=1)
    answer = _check(api_client, personas.member, f"https://m.{FAKE}/").json()
    assert (answer["verdict"], answer["brand"]) == ("confirmed-fake", "demobank")


@pytest.mark.parametrize("bad", ["", "mailto:x@demobank.vn", "http:///x", "http://[::1/"])
def test_a_bad_url_answers_400_naming_the_field(personas, api_client, brand, bad) -> None:
    response = _check(api_client, personas.isp, bad)
    assert response.status_code == 400, response.content
    assert response.json()["detail"][0]["field"] == "url"


def test_the_hash_prefix_round_trip_finds_a_confirmed_fake(personas, api_client, confirmed) -> None:
    client = api_client(personas.isp.token)
    listing = client.get("/api/v1/url-check/prefixes").json()
    prefixes = listing["prefixes"]
    assert (
        listing["checksum"]
        == hashlib.sha256(b"".join(bytes.fromhex(p) for p in prefixes)).hexdigest()
    )
    # The client hashes the expressions of the URL it visits and keeps only local hits.
    hashes = expression_hashes(f"https://secure.{FAKE}/dang-nhap?ref=sms")
    hits = [h[:4].hex() for h in hashes if h[:4].hex() in prefixes]
    assert hits
    answer = client.post("/api/v1/url-check/hashes", {"prefixes": hits}).json()
    full = {m["hash"] for m in answer["matches"]}
    assert full & {h.hex() for h in hashes}
    assert answer["matches"][0]["host"] == FAKE and answer["matches"][0]["brand"] == "demobank"
    assert answer["cache_seconds"] > 0


def test_an_unrelated_url_gets_no_match(personas, api_client, confirmed) -> None:
    client = api_client(personas.isp.token)
    hashes = expression_hashes("https://www.example.org/login")
    answer = client.post("/api/v1/url-check/hashes", {"prefixes": [h[:4].hex() for h in hashes]})
    assert answer.status_code == 200
    assert answer.json()["matches"] == []


@pytest.mark.parametrize(
    ("prefixes", "field"),
    [
        (["zzzzzzzz"], "prefixes[0]"),
        (["abcdef"], "prefixes[0]"),
        (["abcdef01", "0" * 66], "prefixes[1]"),
        (["abcdef01"] * 501, "prefixes"),
    ],
)
def test_bad_prefixes_answer_400_naming_the_field(personas, api_client, brand, prefixes, field):
    response = api_client(personas.isp.token).post(
        "/api/v1/url-check/hashes", {"prefixes": prefixes}
    )
    assert response.status_code == 400
    assert response.json()["detail"][0]["field"] == field


def test_analysts_list_and_decide_alerts(personas, api_client, brand) -> None:
    alerts.record_names([FAKE], "certstream")
    client = api_client(personas.analyst.token)
    [alert] = client.get("/api/v1/brands/alerts").json()
    assert (alert["host"], alert["brand"], alert["status"]) == (FAKE, "demobank", "new")
    confirmed = client.post(f"/api/v1/brands/alerts/{alert['id']}/confirm", {"note": "seen"})
    assert confirmed.json()["status"] == "confirmed"
    assert client.get("/api/v1/brands/alerts").json() == []
    dismissed = client.post(f"/api/v1/brands/alerts/{alert['id']}/dismiss", {})
    assert dismissed.json()["status"] == "dismissed"
    assert client.post("/api/v1/brands/alerts/99999/dismiss", {}).status_code == 404
    assert (
        client.get("/api/v1/brands/alerts", status="maybe").json()["detail"][0]["field"] == "status"
    )


def test_members_see_their_own_brands_and_alerts_only(
    personas, api_client, brand, outsider
) -> None:
    alerts.record_names([FAKE], "certstream")
    mine = api_client(personas.member.token).get("/api/v1/brands/mine").json()
    assert [b["key"] for b in mine] == ["demobank"]
    assert mine[0]["domains"][0]["verified"] is True
    [alert] = api_client(personas.member.token).get("/api/v1/brands/mine/alerts").json()
    assert alert["host"] == FAKE
    from cleannet.server.accounts.services import issue_api_token

    other = issue_api_token(None, outsider, "tests").token
    assert api_client(other).get("/api/v1/brands/mine").json() == []
    assert api_client(other).get("/api/v1/brands/mine/alerts").json() == []


def test_each_operation_refuses_the_wrong_roles(personas, api_client, brand) -> None:
    alerts.record_names([FAKE], "certstream")
    pk = LookalikeAlert.objects.get().pk
    analyst_only = [
        ("get", "/api/v1/brands/alerts"),
        ("post", f"/api/v1/brands/alerts/{pk}/confirm"),
        ("post", f"/api/v1/brands/alerts/{pk}/dismiss"),
    ]
    member_only = [("get", "/api/v1/brands/mine"), ("get", "/api/v1/brands/mine/alerts")]
    for method, path in analyst_only:
        for persona in (personas.member, personas.isp):
            response = getattr(api_client(persona.token), method)(
                path, **({} if method == "get" else {"payload": {}})
            )
            assert response.status_code == 403, (path, persona.user.username)
    for _method, path in member_only:
        for persona in (personas.analyst, personas.isp):
            assert api_client(persona.token).get(path).status_code == 403, path
    everyone = [
        "/api/v1/url-check",
        "/api/v1/url-check/prefixes",
        *[p for _m, p in analyst_only],
        *[p for _m, p in member_only],
    ]
    for path in everyone:
        assert api_client(None).get(path).status_code in (401, 405), path
    assert api_client(None).post("/api/v1/url-check/hashes", {"prefixes": []}).status_code == 401
    assert LookalikeAlert.objects.get().status == "new"
