"""Analysts acknowledge, ask for more and close; the organisation answers."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.breachnotices import services
from cleannet.server.breachnotices.models import NoticeMessage, Status

pytestmark = pytest.mark.django_db


def test_an_analyst_acknowledges_a_filed_notice(filed, personas) -> None:
    notice = services.acknowledge(personas.analyst.user, filed)

    assert notice.status == Status.ACKNOWLEDGED
    assert notice.acknowledged_by == personas.analyst.user
    assert notice.acknowledged_at is not None
    entry = AuditEntry.objects.get(action="breach_notice.acknowledge")
    assert entry.actor == personas.analyst.user
    assert (entry.before["status"], entry.after["status"]) == ("filed", "acknowledged")


def test_the_follow_up_goes_back_and_forth_and_ends_closed(filed, personas) -> None:
    analyst, member = personas.analyst.user, personas.member.user
    request = services.request_follow_up(analyst, filed, "How many card numbers were in the table?")
    assert request.notice.status == Status.FOLLOW_UP
    assert request.notice.acknowledged_at is not None  # asking implies it was received

    answer = services.answer_follow_up(member, filed, "None: cards are kept elsewhere.")
    assert answer.notice.status == Status.ACKNOWLEDGED

    closed = services.close_notice(personas.admin.user, filed, "Handled; no further action.")
    assert closed.status == Status.CLOSED
    assert closed.closed_at is not None
    kinds = list(NoticeMessage.objects.filter(notice=filed).values_list("kind", "author_label"))
    assert kinds == [
        ("follow_up", "analyst"),
        ("answer", "bank-member"),
        ("closing", "admin"),
    ]
    actions = AuditEntry.objects.filter(
        object_id=str(filed.pk), object_type="breachnotices.breachnotice"
    )
    assert sorted(actions.values_list("action", flat=True)) == sorted(
        [
            "breach_notice.create",
            "breach_notice.file",
            "breach_notice.request_follow_up",
            "breach_notice.answer_follow_up",
            "breach_notice.close",
        ]
    )


def test_a_follow_up_request_needs_a_message(filed, personas) -> None:
    with pytest.raises(ValidationError) as refused:
        services.request_follow_up(personas.analyst.user, filed, "   ")

    assert "message" in refused.value.message_dict
    filed.refresh_from_db()
    assert filed.status == Status.FILED


def test_it_refuses_moves_the_status_does_not_allow(draft, filed, personas) -> None:
    analyst, member = personas.analyst.user, personas.member.user
    with pytest.raises(ValidationError):
        services.acknowledge(analyst, draft)  # not filed yet
    with pytest.raises(ValidationError):
        services.answer_follow_up(member, filed, "Nobody asked.")
    services.close_notice(analyst, filed)
    with pytest.raises(ValidationError):
        services.request_follow_up(analyst, filed, "Too late, it is closed.")
    with pytest.raises(ValidationError):
        services.acknowledge(analyst, filed)


def test_only_the_authority_acknowledges_and_closes(filed, personas, outsider) -> None:
    for actor in (personas.member.user, personas.isp.user, outsider):
        with pytest.raises(PermissionDenied):
            services.acknowledge(actor, filed)
        with pytest.raises(PermissionDenied):
            services.close_notice(actor, filed)


def test_only_the_organisation_answers(filed, personas, outsider) -> None:
    services.request_follow_up(personas.analyst.user, filed, "Please send the server logs.")
    for actor in (outsider, personas.analyst.user):
        with pytest.raises(PermissionDenied):
            services.answer_follow_up(actor, filed, "Here they are.")
