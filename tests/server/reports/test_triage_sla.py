"""Due times by kind: the defaults, the setting that changes them (refused by name when
wrong), the timer shown to analysts, and the database filter that agrees with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from cleannet.core.errors import InvalidValue
from cleannet.server.reports import sla
from cleannet.server.reports.models import Report

NOON = dt.datetime(2026, 3, 2, 5, 0, tzinfo=dt.UTC)


def test_it_gives_each_kind_its_default_hours() -> None:
    assert sla.parse_sla_hours("") == {
        "incident": 24,
        "phishing": 24,
        "malware": 72,
        "data_leak": 72,
        "vulnerability": 120,
    }


def test_the_setting_overrides_only_the_kinds_it_names() -> None:
    hours = sla.parse_sla_hours(" phishing = 4 ; malware=48,")
    assert (hours["phishing"], hours["malware"], hours["incident"]) == (4, 48, 24)
    assert sla.parse_sla_hours({"incident": "8"})["incident"] == 8


@pytest.mark.parametrize(
    ("value", "why"),
    [
        ("phish=4", "is not a report kind"),
        ("phishing", "kind=hours"),
        ("phishing=soon", "whole number"),
        ("phishing=0", "between 1 and 8760"),
    ],
)
def test_it_refuses_a_bad_setting_naming_it(value: str, why: str) -> None:
    with pytest.raises(InvalidValue, match=why) as refusal:
        sla.parse_sla_hours(value)
    assert refusal.value.field == "CLEANNET_REPORTS_SLA_HOURS"


def test_the_due_time_follows_the_setting() -> None:
    assert sla.due_at_for("phishing", NOON) == NOON + dt.timedelta(hours=24)
    with override_settings(CLEANNET_REPORTS_SLA_HOURS="phishing=2"):
        assert sla.due_at_for("phishing", NOON) == NOON + dt.timedelta(hours=2)


def test_the_timer_counts_down_then_up_and_stops_once_decided() -> None:
    due = NOON + dt.timedelta(hours=24)
    early = sla.timer_for("phishing", "new", NOON, None, NOON + dt.timedelta(hours=19, minutes=1))
    assert (early.is_overdue, early.hours_left) == (False, 4)
    late = sla.timer_for("phishing", "triaging", NOON, due, due + dt.timedelta(minutes=1))
    assert (late.is_overdue, late.hours_overdue) == (True, 1)
    decided = sla.timer_for("phishing", "confirmed", NOON, due, due + dt.timedelta(hours=9))
    assert decided.stopped and not decided.is_overdue


@pytest.mark.django_db
def test_the_database_agrees_with_the_timer(file_report) -> None:
    now = timezone.now()
    kinds = ["phishing", "malware", "vulnerability", "incident", "data_leak"]
    ages = [0, 23, 25, 71, 73, 119, 121]
    expected = set()
    for kind in kinds:
        for hours in ages:
            report, _ = file_report(kind="phishing", title=f"{kind} {hours}")
            created = now - dt.timedelta(hours=hours)
            due = None if hours % 2 else created + dt.timedelta(hours=50)
            Report.objects.filter(pk=report.pk).update(kind=kind, created_at=created, due_at=due)
            if sla.timer_for(kind, "new", created, due, now).is_overdue:
                expected.add(report.pk)
    found = set(Report.objects.filter(sla.overdue_q(now)).values_list("pk", flat=True))
    assert found == expected and 0 < len(found) < len(kinds) * len(ages)
    annotated = Report.objects.annotate(due=sla.effective_due())
    for report in annotated:
        assert (
            report.due
            == sla.timer_for(report.kind, "new", report.created_at, report.due_at, now).due_at
        )
