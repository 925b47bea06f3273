"""Every brand page admits its roles only; another organisation's brand answers 404; the
public pages show confirmed fakes without internal notes and check a URL without JavaScript."""

from __future__ import annotations

import pytest

from cleannet.server.brands import alerts
from cleannet.server.brands.models import Brand, LookalikeAlert

pytestmark = pytest.mark.django_db

FAKE = "demobank-dangnhap.com"


def _member_pages(brand: Brand) -> list[str]:
    return ["/brands/", f"/brands/{brand.pk}/"]


def _member_actions(brand: Brand) -> list[str]:
    domain = brand.domains.get()
    return [
        f"/brands/{brand.pk}/domains/",
        f"/brands/domains/{domain.pk}/check/",
        f"/brands/domains/{domain.pk}/remove/",
    ]


def _alert() -> LookalikeAlert:
    alerts.record_names([FAKE], "certstream")
    return LookalikeAlert.objects.get()


def test_anonymous_visitors_are_sent_to_log_in(client, brand) -> None:
    alert = _alert()
    for page in [*_member_pages(brand), "/brands/alerts/"]:
        assert client.get(page)["Location"].startswith("/accounts/login/"), page
    for action in [*_member_actions(brand), f"/brands/alerts/{alert.pk}/confirm/"]:
        assert client.post(action)["Location"].startswith("/accounts/login/"), action


def test_isp_operators_are_refused_everywhere(client, personas, brand) -> None:
    alert = _alert()
    client.force_login(personas.isp.user)
    for page in [*_member_pages(brand), "/brands/alerts/"]:
        assert client.get(page).status_code == 403, page
    for action in [*_member_actions(brand), f"/brands/alerts/{alert.pk}/dismiss/"]:
        assert client.post(action).status_code == 403, action


def test_another_organisations_member_finds_nothing(client, outsider, brand) -> None:
    client.force_login(outsider)
    assert "Demo Bank" not in client.get("/brands/").content.decode()
    assert client.get(f"/brands/{brand.pk}/").status_code == 404
    for action in _member_actions(brand):
        assert client.post(action, {"domain": "x.vn"}).status_code == 404, action
    assert brand.domains.count() == 1


def test_a_member_sees_the_brand_its_token_and_its_alerts(client, personas, brand) -> None:
    _alert()
    client.force_login(personas.member.user)
    response = client.post(
        f"/brands/{brand.pk}/domains/", {"domain": "demobank.com.vn", "control_method": "dns-txt"}
    )
    assert response.status_code == 302
    page = client.get(f"/brands/{brand.pk}/").content.decode()
    token = brand.domains.get(domain="demobank.com.vn").control_token
    assert f"cleannet-verification={token}" in page
    assert FAKE in page


def test_a_member_registers_a_brand_and_sees_refusals(client, personas) -> None:
    client.force_login(personas.member.user)
    bad = client.post("/brands/", {"key": "shop", "name": "Shop", "domains": "www.shop.vn"})
    assert bad.status_code == 400
    assert "không phải là tên miền đăng ký" in bad.content.decode()  # Vietnamese by default
    good = client.post(
        "/brands/", {"key": "shop", "name": "Shop", "keywords": "shopvn", "domains": "shop.vn"}
    )
    assert good.status_code == 302
    assert Brand.objects.get(key="shop").organisation == personas.bank


def test_members_may_not_use_the_analysts_queue(client, personas, brand) -> None:
    alert = _alert()
    client.force_login(personas.member.user)
    assert client.get("/brands/alerts/").status_code == 403
    assert client.post(f"/brands/alerts/{alert.pk}/confirm/").status_code == 403
    alert.refresh_from_db()
    assert alert.status == "new"


def test_an_analyst_confirms_from_the_queue_and_the_public_sees_it(client, personas, brand) -> None:
    alert = _alert()
    client.force_login(personas.analyst.user)
    queue = client.get("/brands/alerts/").content.decode()
    assert FAKE in queue and "Demo Bank" in queue
    note = "Reported by three customers"
    assert client.post(f"/brands/alerts/{alert.pk}/confirm/", {"note": note}).status_code == 302
    client.logout()
    public = client.get("/brands/fakes/")
    assert public.status_code == 200
    assert FAKE in public.content.decode() and "Demo Bank" in public.content.decode()
    assert note not in public.content.decode()


def test_the_public_check_page_answers_without_javascript(client, personas, brand) -> None:
    assert client.get("/brands/check/").status_code == 200
    official = client.get("/brands/check/", {"url": "https://login.demobank.vn/"})
    assert official.status_code == 200 and "result-official" in official.content.decode()
    lookalike = client.get("/brands/check/", {"url": f"http://{FAKE}/otp"})
    assert "result-alert" in lookalike.content.decode()
    alerts.confirm_alert(personas.analyst.user, _alert())
    fake = client.get("/brands/check/", {"url": f"http://www.{FAKE}/otp"})
    assert "result-confirmed-fake" in fake.content.decode()


def test_the_public_check_page_refuses_bad_input_with_a_message(client, brand) -> None:
    for bad in ("", "mailto:someone@demobank.vn", "http:///nohost", "x" * 5000):
        response = client.get("/brands/check/", {"url": bad})
        assert response.status_code == 400, bad
        assert 'role="alert"' in response.content.decode(), bad
