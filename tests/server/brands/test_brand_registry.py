"""Organisations register brands with keywords and official domains; every change is
audited and the scorer follows the registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.brands import services

pytestmark = pytest.mark.django_db


def test_a_member_registers_a_brand_whose_domains_wait_for_proof(personas) -> None:
    member = personas.member.user
    brand = services.register_brand(
        member,
        personas.bank,
        "demo-bank",
        "Demo Bank",
        "Demo Bank; DMB, Ngân hàng Demo",
        ["DemoBank.vn", "demobank-securities.vn"],
    )
    assert brand.keyword_list() == ["demobank", "dmb", "nganhangdemo"]
    assert sorted(d.domain for d in brand.domains.all()) == [
        "demobank-securities.vn",
        "demobank.vn",
    ]
    assert not any(d.is_verified for d in brand.domains.all())
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    assert actions.count("official_domain.add") == 2 and "brand.register" in actions


def test_the_authority_registers_a_brand_with_verified_domains(brand) -> None:
    assert [d.is_verified for d in brand.domains.all()] == [True]


def test_the_brand_name_is_the_keyword_when_none_is_given(personas) -> None:
    brand = services.register_brand(None, personas.bank, "dmb", "Điện Máy Bình", "")
    assert brand.keyword_list() == ["dienmaybinh"]


@pytest.mark.parametrize(
    ("field", "key", "domains"),
    [
        ("key", "Demo Bank!", []),
        ("domain", "demo", ["www.demobank.vn"]),
        ("domain", "demo", ["com.vn"]),
        ("domain", "demo", ["not a domain"]),
    ],
)
def test_it_names_the_field_it_refuses(personas, field, key, domains) -> None:
    with pytest.raises(ValidationError) as refused:
        services.register_brand(None, personas.bank, key, "Demo", "demo", domains)
    assert field in refused.value.message_dict


def test_a_key_is_taken_once(personas, brand) -> None:
    with pytest.raises(ValidationError) as refused:
        services.register_brand(None, personas.bank, "demobank", "Again", "again")
    assert "key" in refused.value.message_dict


def test_a_domain_is_listed_once_per_brand(personas, brand) -> None:
    with pytest.raises(ValidationError) as refused:
        services.add_official_domain(personas.admin.user, brand, "DEMOBANK.vn.")
    assert "domain" in refused.value.message_dict


def test_another_organisations_member_may_not_register_or_add(personas, outsider, brand) -> None:
    with pytest.raises(PermissionDenied):
        services.register_brand(outsider, personas.bank, "x-bank", "X", "xbank")
    with pytest.raises(PermissionDenied):
        services.add_official_domain(outsider, brand, "xbank.vn")
    with pytest.raises(PermissionDenied):
        services.register_brand(personas.isp.user, personas.isp_org, "isp", "ISP", "isp")


def test_the_scorer_follows_brand_and_domain_changes(personas, brand) -> None:
    first = services.current_scorer()
    assert services.current_scorer() is first
    official = services.add_official_domain(personas.admin.user, brand, "demobank-securities.vn")
    second = services.current_scorer()
    assert second is not first
    assert second.score("demobank-securities.vn").official
    services.remove_official_domain(personas.admin.user, official)
    assert not services.current_scorer().score("demobank-securities.vn").official
    assert AuditEntry.objects.filter(action="official_domain.remove").count() == 1


def test_an_unproven_domain_is_not_on_the_allowlist(personas, brand) -> None:
    services.add_official_domain(personas.member.user, brand, "demobank-securities.vn")
    assert not services.current_scorer().score("demobank-securities.vn").official


def test_keyword_changes_reach_the_scorer(personas, brand) -> None:
    services.current_scorer()
    services.update_brand(personas.member.user, brand, keywords="demobank, nganhangdemo")
    assert services.current_scorer().score("nganhangdemo-dangnhap.com").brand == "demobank"
