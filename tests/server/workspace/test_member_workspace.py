"""An organisation member's workspace: their brands and alerts, breach notices and reports,
and none of another organisation's."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from cleannet.server.accounts import services as account_services
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.brands import alerts
from cleannet.server.brands import services as brand_services
from cleannet.server.reports import services as report_services
from cleannet.server.workspace.member import member_workspace

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop_member(personas: Any) -> Any:
    shop = account_services.create_organisation(None, "Demo Shop", OrganisationKind.ECOMMERCE)
    return account_services.create_user(
        None, "shop-member", "member@shop.example", "x-long-password-1", Role.ORG_MEMBER, shop
    )


@pytest.fixture
def owned(personas: Any, shop_member: Any) -> None:
    """The bank's brand with one alert and one filed report; the shop's brand with an alert."""
    brand_services.register_brand(
        personas.admin.user, personas.bank, "demobank", "Demo Bank", "demobank", ["demobank.vn"]
    )
    brand_services.register_brand(
        personas.admin.user, shop_member.organisation, "demoshop", "Demo Shop", "demoshop", []
    )
    alerts.record_names(["demobank-dangnhap.com", "demoshop-khuyenmai.com"], "certstream")
    new = report_services.NewReport(
        kind="incident",
        title="Ransomware on the branch file server",
        description="Files renamed with a new extension.",
        reporter_email="soc@demobank.example",
        incident=report_services.IncidentInput(
            organisation_name="Demo Bank",
            organisation_address="1 Phố Huế, Hà Nội",
            organisation_phone="0241234567",
            organisation_email="soc@demobank.example",
            system_name="Branch file server",
            detected_at=timezone.now(),
        ),
    )
    report_services.file_report(personas.member.user, new, organisation=personas.bank)


def test_it_shows_the_members_brands_alerts_and_reports(personas: Any, owned: None) -> None:
    work = member_workspace(personas.member.user)
    assert [b.name for b in work.brands] == ["Demo Bank"]
    assert work.brands[0].new_alerts == 1  # type: ignore[attr-defined]
    assert [a.host for a in work.alerts] == ["demobank-dangnhap.com"]
    assert [r.title for r in work.reports] == ["Ransomware on the branch file server"]


def test_it_never_shows_another_organisations_brands(
    shop_member: Any, owned: None, signed_in: Callable[[str], Any]
) -> None:
    page = signed_in("member").get("/workspace/").content.decode()
    assert "demobank-dangnhap.com" in page
    assert "demoshop-khuyenmai.com" not in page and "Demo Shop" not in page
    assert member_workspace(shop_member).reports == []


def test_it_links_the_members_pages(signed_in: Callable[[str], Any], owned: None) -> None:
    response = signed_in("member").get("/workspace/")
    assert response.status_code == 200
    page = response.content.decode()
    for link in ('href="/brands/"', 'href="/breach-notices/"', 'href="/report/mine/"'):
        assert link in page
    assert "CN-" in page  # the tracking number of the bank's report


def test_it_shows_the_members_breach_notices(
    personas: Any, signed_in: Callable[[str], Any]
) -> None:
    from cleannet.server.breachnotices import services as notice_services

    member = personas.member.user
    now = timezone.now()
    notice = notice_services.save_draft(
        member,
        member.organisation,
        {
            "summary": "Customer list copied",
            "what_happened": "A test server with a copy of the customer table was left open.",
            "discovered_at": now - dt.timedelta(hours=10),
            "data_types": ["contact"],
            "records_affected": 1200,
            "people_affected": 950,
            "likely_consequences": "Phishing of customers.",
            "measures_taken": "Server taken offline.",
            "contact_name": "Nguyễn Thị Lan",
            "contact_email": "dpo@demobank.example",
            "contact_phone": "0912 345 678",
        },
    )
    page = signed_in("member").get("/workspace/").content.decode()
    assert f"/breach-notices/{notice.pk}/" in page and "Customer list copied" in page
