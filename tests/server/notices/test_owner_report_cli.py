"""``cleannet notices reports`` and the worker's periodic task run the due rules once."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from cleannet.cli.notices_reports import reports
from cleannet.server.notices.models import OwnerReport
from cleannet.server.notices.owner_report_rules import save_rule
from cleannet.server.notices.owner_report_tasks import run_owner_reports

from .owner_report_world import report_world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

app = typer.Typer()
app.command()(reports)  # the lead registers it as ``notices reports``


def test_it_prints_the_tickets_made(report_world) -> None:
    save_rule(None, report_world.personas.isp_org, interval="daily")
    result = CliRunner().invoke(app, ["--now", "2026-03-10T02:30:00Z"])
    assert result.exit_code == 0, result.output
    assert "R-2026-000001\tsong-hong-net\t3 events\tcsv\t1 recipient(s)" in result.stdout
    again = CliRunner().invoke(app, ["--now", "2026-03-10T03:30:00Z"])  # same day in Hanoi
    assert again.exit_code == 0
    assert "R-2026" not in again.stdout
    assert OwnerReport.objects.count() == 1


def test_it_refuses_a_bad_time_naming_the_option(db) -> None:
    result = CliRunner().invoke(app, ["--now", "yesterday-ish"])
    assert result.exit_code == 2
    assert "--now" in result.output


def test_it_runs_the_rules_from_the_periodic_task(report_world) -> None:
    save_rule(None, report_world.personas.isp_org, interval="immediate")
    assert run_owner_reports.call_local() == 1
    assert run_owner_reports.call_local() == 0
