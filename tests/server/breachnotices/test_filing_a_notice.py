"""An organisation's member drafts and files a breach notice through the services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import BreachNotice, Status

pytestmark = pytest.mark.django_db


def _audit_actions(notice: BreachNotice) -> list[str]:
    entries = AuditEntry.objects.filter(
        object_type="breachnotices.breachnotice", object_id=str(notice.pk)
    )
    return list(entries.order_by("id").values_list("action", flat=True))


def test_it_saves_a_draft_with_a_reference_and_the_deadline(draft, personas) -> None:
    assert draft.status == Status.DRAFT
    assert draft.reference == f"BN-{timezone.now():%Y}-{draft.pk:06d}"
    assert draft.due_at == draft.discovered_at + dt.timedelta(hours=72)
    assert draft.organisation == personas.bank
    assert draft.filed_at is None
    assert _audit_actions(draft) == ["breach_notice.create"]


def test_it_normalises_the_contact_through_core(draft) -> None:
    assert draft.contact_phone == "+84912345678"
    assert draft.contact_email == "DPO@demo-bank.example"


def test_it_keeps_the_data_types_in_the_order_of_the_choices(draft) -> None:
    assert draft.data_types == ["identity", "contact"]
    with translation.override("en"):
        labels = draft.data_type_labels()
    assert labels == [
        "Identity (names, ID card numbers)",
        "Contact details (e-mail, phone, address)",
    ]


def test_it_files_a_notice_on_time_and_stops_the_clock(draft, personas) -> None:
    notice = services.file_notice(personas.member.user, draft)

    assert notice.status == Status.FILED
    assert notice.filed_by == personas.member.user
    assert notice.filed_at is not None and notice.filed_at <= notice.due_at
    assert not notice.is_late
    assert _audit_actions(notice) == ["breach_notice.create", "breach_notice.file"]
    entry = AuditEntry.objects.filter(action="breach_notice.file").get()
    assert (entry.before["status"], entry.after["status"]) == ("draft", "filed")


def test_it_refuses_to_file_late_without_the_reason(personas, notice_data) -> None:
    member = personas.member.user
    late = services.save_draft(
        member,
        member.organisation,
        notice_data(discovered_at=timezone.now() - dt.timedelta(hours=73)),
    )

    with pytest.raises(ValidationError) as refused:
        services.file_notice(member, late)

    assert "late_reason" in refused.value.message_dict
    late.refresh_from_db()
    assert late.status == Status.DRAFT


def test_it_files_late_with_the_reason_and_says_it_is_late(personas, notice_data) -> None:
    member = personas.member.user
    data = notice_data(
        discovered_at=timezone.now() - dt.timedelta(hours=80),
        late_reason="The log review that found it ran over the weekend.",
    )
    notice = services.save_and_file(member, member.organisation, data)

    assert notice.status == Status.FILED
    assert notice.is_late


def test_the_database_refuses_a_late_notice_without_a_reason(filed) -> None:
    filed.filed_at = filed.due_at + dt.timedelta(hours=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        filed.save()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"discovered_at": "future"}, "discovered_at"),
        ({"occurred_at": "after-discovery"}, "occurred_at"),
        ({"data_types": []}, "data_types"),
        ({"data_types": ["contact", "dna"]}, "data_types"),
        ({"data_types": ["other"], "other_data_types": " "}, "other_data_types"),
        ({"contact_phone": "+1 202 555 0100"}, "contact_phone"),
        ({"contact_email": "dpo@@bank"}, "contact_email"),
        ({"notify_affected_through_notices": True}, "affected_people_message"),
        ({"summary": ""}, "summary"),
    ],
)
def test_it_refuses_bad_content_naming_the_field(personas, notice_data, changes, field) -> None:
    now = timezone.now()
    times = {"future": now + dt.timedelta(hours=2), "after-discovery": now - dt.timedelta(hours=1)}
    data = notice_data(
        **{k: times.get(v, v) if isinstance(v, str) else v for k, v in changes.items()}
    )
    member = personas.member.user

    with pytest.raises(ValidationError) as refused:
        services.save_draft(member, member.organisation, data)

    assert field in refused.value.message_dict
    assert BreachNotice.objects.count() == 0


def test_a_filed_notice_can_no_longer_be_edited(filed, personas, notice_data) -> None:
    member = personas.member.user
    with pytest.raises(ValidationError) as refused:
        services.save_draft(member, member.organisation, notice_data(summary="Changed"), filed)

    assert "status" in refused.value.message_dict
    filed.refresh_from_db()
    assert filed.summary == "Customer database copied from a test server"


def test_only_the_organisations_members_file_its_notices(draft, personas, outsider) -> None:
    for actor in (outsider, personas.analyst.user, personas.isp.user):
        with pytest.raises(PermissionDenied):
            services.file_notice(actor, draft)
    with pytest.raises(PermissionDenied):
        services.save_draft(outsider, personas.bank, {})
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_it_records_the_intention_to_notify_the_affected_people(personas, notice_data) -> None:
    member = personas.member.user
    data = notice_data(
        notify_affected_through_notices=True,
        affected_people_message="Your contact details may have been copied. Beware of calls.",
    )
    notice = services.save_and_file(member, member.organisation, data)

    assert notice.notify_affected_through_notices
    assert notice.affected_people_message.startswith("Your contact details")
