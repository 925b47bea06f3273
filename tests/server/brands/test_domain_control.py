"""Control of an official domain is proven by a DNS TXT record or a file on the site,
asked of a real DNS server and a real web server on loopback."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.brands import services
from cleannet.server.brands.models import ControlMethod, OfficialDomain

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(personas: Any, brand: Any) -> OfficialDomain:
    """A domain the bank's member added: not proven yet."""
    return services.add_official_domain(personas.member.user, brand, "demobank-securities.vn")


@pytest.fixture
def pending_file(personas: Any, brand: Any) -> OfficialDomain:
    return services.add_official_domain(
        personas.member.user, brand, "demobank.com.vn", ControlMethod.HTTP_FILE
    )


def test_a_members_domain_waits_for_its_check(pending) -> None:
    assert pending.verified_at is None
    assert len(pending.control_token) >= 32


def test_it_proves_control_by_a_txt_record_at_the_domain(pending, dns_server) -> None:
    dns_server.records["demobank-securities.vn"] = ["v=spf1 -all", pending.txt_record]
    dns_server.records["_cleannet.demobank-securities.vn"] = []
    checked = services.check_domain_control(pending, resolver=dns_server.resolver())
    assert checked.verified_at is not None
    assert checked.last_check_error == ""
    assert AuditEntry.objects.filter(action="official_domain.check").count() == 1


def test_it_proves_control_by_a_txt_record_under_cleannet(pending, dns_server) -> None:
    dns_server.records["_cleannet.demobank-securities.vn"] = [pending.txt_record]
    checked = services.check_domain_control(pending, resolver=dns_server.resolver())
    assert checked.is_verified


def test_it_refuses_a_txt_record_with_another_token(pending, dns_server) -> None:
    dns_server.records["demobank-securities.vn"] = ["cleannet-verification=someone-elses"]
    checked = services.check_domain_control(pending, resolver=dns_server.resolver())
    assert not checked.is_verified
    assert "has no TXT record" in checked.last_check_error
    assert checked.last_check_at is not None


def test_it_says_when_the_domain_does_not_exist(pending, dns_server) -> None:
    checked = services.check_domain_control(pending, resolver=dns_server.resolver())
    assert not checked.is_verified
    assert "NXDOMAIN" in checked.last_check_error


def test_a_definite_failure_revokes_an_earlier_proof(pending, dns_server) -> None:
    dns_server.records["demobank-securities.vn"] = [pending.txt_record]
    services.check_domain_control(pending, resolver=dns_server.resolver())
    dns_server.records["demobank-securities.vn"] = []
    checked = services.check_domain_control(pending, resolver=dns_server.resolver())
    assert not checked.is_verified


def test_a_timeout_records_the_error_but_keeps_the_proof(pending, dns_server) -> None:
    dns_server.records["demobank-securities.vn"] = [pending.txt_record]
    services.check_domain_control(pending, resolver=dns_server.resolver())
    dns_server.silent.add("_cleannet.demobank-securities.vn")
    checked = services.check_domain_control(pending, resolver=dns_server.resolver(timeout=0.3))
    assert checked.is_verified
    assert "No answer" in checked.last_check_error


def test_it_proves_control_by_a_file_on_the_site(pending_file, web_server) -> None:
    web_server.files["/.well-known/cleannet-verification.txt"] = (
        pending_file.control_token.encode() + b"\n"
    )
    checked = services.check_domain_control(pending_file, fetch=web_server.fetch_text)
    assert checked.is_verified, checked.last_check_error


def test_it_refuses_a_file_with_another_token(pending_file, web_server) -> None:
    web_server.files["/.well-known/cleannet-verification.txt"] = b"not-the-token"
    checked = services.check_domain_control(pending_file, fetch=web_server.fetch_text)
    assert not checked.is_verified
    assert "does not contain the token" in checked.last_check_error


def test_it_says_when_the_file_is_missing(pending_file, web_server) -> None:
    checked = services.check_domain_control(pending_file, fetch=web_server.fetch_text)
    assert not checked.is_verified
    assert "Could not read https://demobank.com.vn/.well-known/" in checked.last_check_error


def test_the_default_fetch_refuses_a_domain_on_a_private_address(pending_file, settings) -> None:
    settings.CLEANNET_FETCH_ALLOW_PRIVATE = False
    pending_file.domain = "localhost"  # not saved: the check reads the instance
    checked = services.check_domain_control(pending_file)
    assert not checked.is_verified
    assert "loopback" in checked.last_check_error


def test_another_organisations_member_may_not_run_the_check(pending, outsider) -> None:
    with pytest.raises(PermissionDenied):
        services.check_domain_control(pending, actor=outsider)
