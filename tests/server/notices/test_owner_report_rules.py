"""Report rules: when each interval is due, and what ``save_rule`` refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cleannet.server.accounts.models import AuditEntry
from cleannet.server.networks.services import add_abuse_contact
from cleannet.server.notices.models import ReportRule
from cleannet.server.notices.owner_report_rules import (
    due_rules,
    is_due,
    recipients_for,
    save_rule,
)

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def _at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def _rule(interval: str, last_run: str | None) -> ReportRule:
    return ReportRule(interval=interval, last_run_at=_at(last_run) if last_run else None)


@pytest.mark.parametrize(
    ("interval", "last_run", "now", "due"),
    [
        ("immediate", "2026-03-10T02:30:00+00:00", "2026-03-10T02:30:00+00:00", True),
        ("hourly", None, "2026-03-10T02:30:00+00:00", True),
        ("hourly", "2026-03-10T02:00:00+00:00", "2026-03-10T02:59:59+00:00", False),
        ("hourly", "2026-03-10T02:59:00+00:00", "2026-03-10T03:00:00+00:00", True),
        ("hourly", "2026-03-10T01:10:00+00:00", "2026-03-10T02:30:00+00:00", True),
        ("daily", None, "2026-03-10T02:30:00+00:00", True),
        # Hanoi is UTC+7: 16:59 UTC is 23:59 on the 10th, 17:00 UTC midnight of the 11th.
        ("daily", "2026-03-10T00:00:00+00:00", "2026-03-10T16:59:00+00:00", False),
        ("daily", "2026-03-10T00:00:00+00:00", "2026-03-10T17:00:00+00:00", True),
        ("daily", "2026-03-09T16:59:00+00:00", "2026-03-09T17:01:00+00:00", True),
    ],
)
def test_it_is_due_at_the_right_times(interval, last_run, now, due, settings) -> None:
    settings.TIME_ZONE = "Asia/Ho_Chi_Minh"
    assert is_due(_rule(interval, last_run), _at(now)) is due


def test_it_lists_only_enabled_due_rules(personas) -> None:
    now = dt.datetime(2026, 3, 10, 2, 30, tzinfo=UTC)
    daily = save_rule(None, personas.isp_org, interval="daily")
    ran_today = save_rule(None, personas.isp_org, interval="daily")
    ReportRule.objects.filter(pk=ran_today.pk).update(last_run_at=now - dt.timedelta(hours=1))
    off = save_rule(None, personas.isp_org, interval="immediate", enabled=False)
    due = due_rules(now)
    assert daily in due
    assert ran_today not in due
    assert off not in due


def test_it_saves_a_rule_with_types_normalised_and_audits_it(personas) -> None:
    rule = save_rule(
        None,
        personas.isp_org,
        recipients=" noc@songhong.example \n\nsoc@songhong.example\nnoc@songhong.example",
        classifications=["Infected System", "blacklist", "infected-system"],
        format="json",
        interval="hourly",
    )
    rule.refresh_from_db()
    assert rule.classifications == ["blacklist", "infected-system"]
    assert rule.recipients == "noc@songhong.example\nsoc@songhong.example"
    assert AuditEntry.objects.filter(
        action="notices.report_rule.create", object_id=rule.pk
    ).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"recipients": "noc@songhong.example\nnot an address"}, "recipients"),
        ({"classifications": ["infected-sytem"]}, "classifications"),
        ({"classifications": "phishing, no-such-type"}, "classifications"),
        ({"format": "xml"}, "format"),
        ({"interval": "weekly"}, "interval"),
    ],
)
def test_it_refuses_a_bad_field_naming_it(personas, changes, field) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rule(None, personas.isp_org, **changes)
    assert list(caught.value.message_dict) == [field]
    assert not ReportRule.objects.exists()


def test_it_refuses_another_organisations_contact(personas) -> None:
    contact = add_abuse_contact(None, personas.other_isp_org, "Desk", "abuse@pn.example")
    with pytest.raises(ValidationError) as caught:
        save_rule(None, personas.isp_org, contact=contact)
    assert list(caught.value.message_dict) == ["contact"]


def test_it_names_the_bad_line_of_the_recipients(personas) -> None:
    with pytest.raises(ValidationError) as caught:
        save_rule(None, personas.isp_org, recipients="a@b.example\nc@d.example\nbroken@")
    assert "Dòng 3" in caught.value.message_dict["recipients"][0]  # the site's language


def test_it_finds_recipients_in_the_rule_then_its_contact_then_the_primary(personas) -> None:
    org = personas.isp_org
    desk = add_abuse_contact(None, org, "Desk", "desk@songhong.example")
    add_abuse_contact(None, org, "Primary", "abuse@songhong.example", is_primary=True)
    listed = save_rule(None, org, recipients="noc@songhong.example", contact=desk)
    assert recipients_for(listed) == ["noc@songhong.example"]
    assert recipients_for(save_rule(None, org, contact=desk)) == ["desk@songhong.example"]
    assert recipients_for(save_rule(None, org)) == ["abuse@songhong.example"]
    assert recipients_for(save_rule(None, personas.other_isp_org)) == []
