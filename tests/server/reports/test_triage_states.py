"""Analysts move a report through its life: taken, assigned, decided, closed; anything else
is refused with the reason, and every change is audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.reports import triage_services as triage
from cleannet.server.reports.models import MessageKind, ReportStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Refusals are asserted in English (the site's default language is Vietnamese)."""
    with translation.override("en"):
        yield


def test_it_starts_triage_when_an_analyst_takes_a_new_report(personas, file_report) -> None:
    report, _secret = file_report(kind="vulnerability", target_domain="shop.example")
    taken = triage.take(personas.analyst.user, report)
    assert taken.assigned_to == personas.analyst.user
    assert taken.status == ReportStatus.TRIAGING
    actions = set(
        AuditEntry.objects.filter(object_id=str(report.pk)).values_list("action", flat=True)
    )
    assert {"report.assign", "report.status"} <= actions


def test_it_walks_the_whole_life_and_stamps_the_times(personas, file_report) -> None:
    analyst = personas.analyst.user
    report, _secret = file_report(kind="vulnerability", target_domain="shop.example")
    for status in ("triaging", "rejected", "closed"):
        report = triage.change_status(analyst, report, status).report
    assert report.status == ReportStatus.CLOSED
    assert report.handled_at is not None and report.closed_at is not None
    assert report.handled_at <= report.closed_at
    changes = report.messages.filter(kind=MessageKind.SYSTEM).count()
    assert changes == 4  # "received" and three changes


@pytest.mark.parametrize(
    ("path", "refused"),
    [((), "confirmed"), (("triaging",), "closed"), (("triaging", "rejected"), "actioned")],
)
def test_it_refuses_a_jump_the_life_does_not_allow(personas, file_report, path, refused) -> None:
    report, _secret = file_report(kind="vulnerability", target_domain="shop.example")
    for status in path:
        report = triage.change_status(personas.analyst.user, report, status).report
    with pytest.raises(ValidationError) as refusal:
        triage.change_status(personas.analyst.user, report, refused)
    assert "status" in refusal.value.message_dict
    report.refresh_from_db()
    assert report.status == (path[-1] if path else "new")


def test_it_refuses_a_status_that_does_not_exist(personas, file_report) -> None:
    report, _secret = file_report()
    with pytest.raises(ValidationError, match="is not a status"):
        triage.change_status(personas.analyst.user, report, "solved")


def test_it_links_a_duplicate_to_the_first_original(personas, file_report) -> None:
    analyst = personas.analyst.user
    first, _ = file_report(target_url="http://fake-login.example/a")
    second, _ = file_report(target_url="http://fake-login.example/b")
    third, _ = file_report(target_url="http://fake-login.example/c")
    for report, original in ((second, first), (third, second)):
        triage.change_status(analyst, report, "triaging")
        triage.change_status(analyst, report, "duplicate", duplicate_of=original)
    third.refresh_from_db()
    assert third.status == "duplicate" and third.duplicate_of == first


def test_it_refuses_a_duplicate_without_an_original_or_of_itself(personas, file_report) -> None:
    analyst = personas.analyst.user
    report, _ = file_report()
    triage.change_status(analyst, report, "triaging")
    with pytest.raises(ValidationError) as missing:
        triage.change_status(analyst, report, "duplicate")
    assert "duplicate_of" in missing.value.message_dict
    with pytest.raises(ValidationError, match="itself"):
        triage.change_status(analyst, report, "duplicate", duplicate_of=report)


def test_only_the_authority_may_triage(personas, file_report) -> None:
    report, _ = file_report()
    for persona in (personas.isp, personas.member):
        with pytest.raises(PermissionDenied):
            triage.change_status(persona.user, report, "triaging")
        with pytest.raises(PermissionDenied):
            triage.add_note(persona.user, report, "hello")


def test_it_refuses_to_assign_a_report_outside_the_authority(personas, file_report) -> None:
    report, _ = file_report()
    with pytest.raises(ValidationError) as refusal:
        triage.assign(personas.admin.user, report, personas.isp.user)
    assert "assignee" in refusal.value.message_dict
    assert triage.assign(personas.admin.user, report, None).assigned_to is None


def test_it_keeps_the_reporter_out_of_the_audit_log(personas, file_report) -> None:
    report, _ = file_report(reporter_email="private.person@example.org")
    triage.take(personas.analyst.user, report)
    for entry in AuditEntry.objects.filter(action__startswith="report."):
        assert "private.person" not in str(entry.before) + str(entry.after)
        assert "status_token_hash" not in str(entry.after)
