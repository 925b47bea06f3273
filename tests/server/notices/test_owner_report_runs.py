"""Running report rules: one ticket per due rule with the owner's new matching events,
its e-mails in the outbox, the watermark moved on, all or nothing."""

from __future__ import annotations

import logging

import pytest

from cleannet.server.notices import owner_report_files, owner_reports
from cleannet.server.notices.models import (
    OutboxMessage,
    OwnerReport,
    OwnerReportEvent,
    ReportRule,
)
from cleannet.server.notices.owner_report_rules import save_rule
from cleannet.server.notices.owner_reports import SEPARATOR, run_report_rules, run_rule

from .owner_report_world import NOW, add_events, report_urls_fixture, report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _rule(report_world, **fields) -> ReportRule:
    fields.setdefault("interval", "immediate")
    return save_rule(None, report_world.personas.isp_org, **fields)


def test_it_groups_only_the_owners_matching_events(report_world) -> None:
    rule = _rule(report_world, classifications=["infected-system"])
    [report] = run_report_rules(NOW)
    expected = [e.pk for e in report_world.isp_events if e.classification_type == "infected-system"]
    linked = OwnerReportEvent.objects.filter(report=report).values_list("event_id", flat=True)
    assert sorted(linked) == expected
    assert report.number == "R-2026-000001"
    assert report.organisation == report_world.personas.isp_org
    assert report.event_count == 2
    assert report.summary["by_type"] == [["infected-system", 2]]
    assert report.summary["by_family"] == [["", 1], ["Mirai", 1]]
    assert report.first_event_at.isoformat() == "2026-03-01T08:00:00+00:00"
    assert report.last_event_at.isoformat() == "2026-03-02T00:00:00+00:00"
    rule.refresh_from_db()
    assert rule.last_event_id == max(expected)
    assert rule.last_run_at == NOW


def test_it_queues_one_bilingual_email_per_recipient_with_the_file(report_world) -> None:
    _rule(report_world, recipients="noc@songhong.example\nsoc@songhong.example")
    [report] = run_report_rules(NOW)
    messages = list(OutboxMessage.objects.order_by("recipient"))
    assert [m.recipient for m in messages] == ["noc@songhong.example", "soc@songhong.example"]
    assert report.recipients == ["noc@songhong.example", "soc@songhong.example"]
    for message in messages:
        assert (message.kind, message.channel, message.stage, message.language) == (
            "owner_report", "email", "first", "vi",
        )  # fmt: skip
        assert message.ticket_ref == report.number
        assert " / " in message.subject
        assert report.number in message.subject
        vietnamese, english = message.body.split(SEPARATOR)
        assert report.number in vietnamese
        assert report.number in english
        assert message.attachment_name == f"cleannet-{report.number}.csv"
        assert bytes(message.attachment).startswith(b"time.source,")


def test_it_sends_to_the_primary_abuse_contact_when_the_rule_names_nobody(report_world) -> None:
    _rule(report_world)
    run_report_rules(NOW)
    assert list(OutboxMessage.objects.values_list("recipient", flat=True)) == [
        "abuse@songhong.example"
    ]


def test_it_never_reports_an_event_twice(report_world, make_event) -> None:
    _rule(report_world)
    [first] = run_report_rules(NOW)
    assert first.event_count == 3
    assert run_report_rules(NOW) == []
    add_events(make_event, "203.0.113.77", "198.51.100.77")
    [second] = run_report_rules(NOW)
    assert second.number == "R-2026-000002"
    assert second.event_count == 1
    assert list(second.events.values_list("source_ip", flat=True)) == ["203.0.113.77"]
    assert OwnerReport.objects.count() == 2


def test_it_makes_no_report_without_new_events_but_records_the_run(report_world) -> None:
    rule = save_rule(None, report_world.personas.isp_org, classifications=["phishing"])
    assert run_report_rules(NOW) == []
    rule.refresh_from_db()
    assert rule.last_run_at == NOW
    assert rule.last_event_id == 0
    assert not OutboxMessage.objects.exists()


def test_it_runs_a_daily_rule_once_a_day(report_world, make_event) -> None:
    _rule(report_world, interval="daily")
    assert len(run_report_rules(NOW)) == 1
    add_events(make_event, "203.0.113.78")
    assert run_report_rules(NOW.replace(hour=16)) == []  # 23:00 in Hanoi, same day
    assert len(run_report_rules(NOW.replace(hour=17))) == 1  # midnight in Hanoi


def test_it_keeps_a_report_without_recipients_and_queues_nothing(report_world, caplog) -> None:
    save_rule(None, report_world.personas.other_isp_org, interval="immediate")
    with caplog.at_level(logging.WARNING, logger="cleannet.server.notices.owner_reports"):
        [report] = run_report_rules(NOW)
    assert report.recipients == []
    assert report.event_count == 1
    assert not OutboxMessage.objects.exists()
    assert "no recipient" in caplog.text


def test_it_caps_a_report_and_sends_the_rest_next_time(report_world) -> None:
    rule = _rule(report_world)
    first = run_rule(rule, NOW, cap=2)
    second = run_rule(rule, NOW, cap=2)
    assert (first.event_count, second.event_count) == (2, 1)
    assert run_rule(rule, NOW, cap=2) is None
    ids = {e.pk for e in report_world.isp_events}
    assert (
        set(first.events.values_list("pk", flat=True))
        | set(second.events.values_list("pk", flat=True))
        == ids
    )


def test_it_leaves_nothing_behind_when_a_run_fails(report_world, monkeypatch) -> None:
    rule = _rule(report_world)

    def broken(**fields):
        raise RuntimeError("relay table on fire")

    monkeypatch.setattr(owner_reports, "enqueue", broken)
    assert run_report_rules(NOW) == []  # logged, the other rules would still run
    assert not OwnerReport.objects.exists()
    assert not OwnerReportEvent.objects.exists()
    rule.refresh_from_db()
    assert (rule.last_event_id, rule.last_run_at) == (0, None)
    monkeypatch.undo()
    assert len(run_report_rules(NOW)) == 1


def test_it_skips_a_ticket_number_taken_meanwhile(report_world, monkeypatch) -> None:
    _rule(report_world)
    [taken] = run_report_rules(NOW)
    numbers = iter([taken.number, "R-2026-000002"])
    monkeypatch.setattr(owner_reports, "_next_number", lambda year: next(numbers))
    save_rule(None, report_world.personas.other_isp_org, interval="immediate")
    [report] = run_report_rules(NOW)
    assert report.number == "R-2026-000002"


def test_it_counts_numbers_past_a_million(report_world) -> None:
    _rule(report_world)
    [report] = run_report_rules(NOW)
    OwnerReport.objects.filter(pk=report.pk).update(number="R-2026-999999")
    assert owner_reports._next_number(2026) == "R-2026-1000000"


def test_it_links_the_download_when_the_file_is_too_large(
    report_world, report_urls, monkeypatch, settings
) -> None:
    settings.CLEANNET_SITE_URL = "https://cleannet.example"
    monkeypatch.setattr(owner_report_files, "ATTACHMENT_MAX_BYTES", 100)
    _rule(report_world, format="stix")
    [report] = run_report_rules(NOW)
    message = OutboxMessage.objects.get()
    assert message.attachment_name == ""
    link = f"https://cleannet.example/workspace/reports/{report.number}/stix"
    assert link in message.body
