import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cleannet.server.accounts import services
from cleannet.server.accounts.models import ApiToken, AuditEntry
from cleannet.server.accounts.roles import OrganisationKind, Role
from cleannet.server.accounts.tokens import token_digest

pytestmark = pytest.mark.django_db


def test_it_refuses_an_isp_operator_in_a_bank(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_user(
            None, "x", "x@example.org", "pw-long-enough-1", Role.ISP_OPERATOR, personas.bank
        )
    assert "role" in caught.value.message_dict


def test_it_refuses_an_unknown_organisation_kind() -> None:
    with pytest.raises(ValidationError) as caught:
        services.create_organisation(None, "Acme", "pirate")
    assert "kind" in caught.value.message_dict


def test_it_gives_back_office_access_only_to_authority_roles(personas) -> None:
    assert personas.admin.user.is_staff and personas.admin.user.is_superuser
    assert personas.analyst.user.is_staff and not personas.analyst.user.is_superuser
    assert not personas.isp.user.is_staff
    assert not personas.member.user.is_staff


def test_it_stores_only_the_digest_of_a_token(personas) -> None:
    issued = services.issue_api_token(personas.admin.user, personas.isp.user, "ci")
    record = ApiToken.objects.get(pk=issued.record.pk)
    assert record.digest == token_digest(issued.token)
    assert issued.token not in {record.digest, record.prefix}
    assert issued.token.startswith(record.prefix)


def test_it_finds_the_user_of_a_valid_token_and_marks_it_used(personas) -> None:
    assert services.user_for_token(personas.isp.token) == personas.isp.user
    assert ApiToken.objects.get(user=personas.isp.user).last_used_at is not None


def test_it_marks_a_token_used_at_most_once_a_minute(personas) -> None:
    tokens = ApiToken.objects.filter(user=personas.isp.user)
    recently = timezone.now() - dt.timedelta(seconds=10)
    tokens.update(last_used_at=recently)
    assert services.user_for_token(personas.isp.token) == personas.isp.user
    assert tokens.get().last_used_at == recently
    long_ago = timezone.now() - services.TOKEN_USE_RESOLUTION - dt.timedelta(seconds=1)
    tokens.update(last_used_at=long_ago)
    assert services.user_for_token(personas.isp.token) == personas.isp.user
    assert tokens.get().last_used_at > recently


def test_it_refuses_a_revoked_token(personas) -> None:
    record = ApiToken.objects.get(user=personas.isp.user)
    services.revoke_api_token(personas.admin.user, record)
    assert services.user_for_token(personas.isp.token) is None


def test_it_refuses_an_expired_token(personas) -> None:
    issued = services.issue_api_token(None, personas.isp.user, "short", dt.timedelta(days=1))
    ApiToken.objects.filter(pk=issued.record.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert services.user_for_token(issued.token) is None


def test_it_refuses_the_token_of_a_deactivated_user(personas) -> None:
    services.set_user_active(personas.admin.user, personas.isp.user, False)
    assert services.user_for_token(personas.isp.token) is None


def test_it_audits_every_change_with_before_and_after(personas) -> None:
    services.set_user_active(personas.admin.user, personas.member.user, False)
    entry = AuditEntry.objects.filter(action="user.deactivate").get()
    assert entry.actor == personas.admin.user
    assert entry.object_id == str(personas.member.user.pk)
    assert entry.before["is_active"] is True and entry.after["is_active"] is False
    assert "password" not in entry.after


def test_it_never_puts_a_token_digest_in_the_audit_log(personas) -> None:
    entry = AuditEntry.objects.filter(action="api_token.issue").first()
    assert entry is not None and "digest" not in entry.after


def test_it_records_the_system_as_actor_when_nobody_is_signed_in() -> None:
    org = services.create_organisation(None, "Ngân hàng Demo", OrganisationKind.BANK)
    entry = AuditEntry.objects.get(action="organisation.create")
    assert entry.actor_label == "system" and entry.after["name"] == org.name
