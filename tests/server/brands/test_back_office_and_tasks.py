"""The back office shows brands, domains and alerts read-only to authority staff; the daily
task re-checks every official domain's control."""

from __future__ import annotations

import dataclasses

import pytest

from cleannet.server.brands import alerts, services, tasks
from cleannet.server.brands.models import OfficialDomain

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["admin", "analyst"])
def test_authority_staff_read_brands_and_alerts(client, personas, brand, persona) -> None:
    alerts.record_names(["demobank-dangnhap.com"], "certstream")
    client.force_login(personas.all()[persona].user)
    for page in ("brand", "officialdomain", "lookalikealert"):
        assert client.get(f"/admin/brands/{page}/").status_code == 200, page
    assert "demobank-dangnhap.com" in client.get("/admin/brands/lookalikealert/").content.decode()
    assert client.get("/admin/brands/brand/add/").status_code == 403
    domain = brand.domains.get()
    detail = client.get(f"/admin/brands/officialdomain/{domain.pk}/change/").content.decode()
    assert domain.control_token not in detail


def test_members_do_not_enter_the_back_office(client, personas, brand) -> None:
    client.force_login(personas.member.user)
    assert client.get("/admin/brands/brand/").status_code == 302


def test_the_daily_recheck_follows_the_tokens(personas, brand, dns_server, settings) -> None:
    settings.CLEANNET_BRANDS = dataclasses.replace(
        settings.CLEANNET_BRANDS, dns_nameservers=(f"127.0.0.1:{dns_server.port}",)
    )
    member = personas.member.user
    kept = services.add_official_domain(member, brand, "demobank-securities.vn")
    lost = services.add_official_domain(member, brand, "demobank.com.vn")
    dns_server.records["demobank-securities.vn"] = [kept.txt_record]
    dns_server.records["demobank.com.vn"] = [lost.txt_record]
    assert tasks.recheck_all_domains() == (2, 0)
    dns_server.records["demobank.com.vn"] = ["v=spf1 -all"]
    # demobank.vn, added by the authority without a token, is not asked about.
    assert tasks.recheck_all_domains() == (1, 1)
    verified = set(
        OfficialDomain.objects.filter(verified_at__isnull=False).values_list("domain", flat=True)
    )
    assert verified == {"demobank.vn", "demobank-securities.vn"}
