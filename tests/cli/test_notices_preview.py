"""``cleannet notices preview`` prints a notice as it would be sent, with sample values."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from cleannet.cli.notices_preview import preview

runner = CliRunner()
# Registered on ``cleannet notices`` in cli/app.py; a bare app keeps this test to the command.
app = typer.Typer()
app.command()(preview)
app.command("other")(lambda: None)  # two commands: Typer then expects the command's name

pytestmark = pytest.mark.django_db


def test_it_prints_the_subject_then_the_body() -> None:
    result = runner.invoke(app, ["preview", "--language", "en", "--family", "mozi"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Subject: [W-2026-000123] Warning: Mozi malware found")
    assert "Dear customer," in result.output


def test_it_counts_the_parts_of_an_sms() -> None:
    result = runner.invoke(app, ["preview", "--channel", "sms"])

    assert result.exit_code == 0, result.output
    assert "Subject:" not in result.output
    assert "mã độc" in result.output
    assert "2 SMS parts" in result.output


def test_it_refuses_a_value_outside_the_choices() -> None:
    result = runner.invoke(app, ["preview", "--stage", "second"])
    assert result.exit_code == 2
    assert "stage: 'second' is not one of" in result.output


def test_it_says_when_no_template_exists() -> None:
    result = runner.invoke(app, ["preview", "--kind", "owner_report", "--channel", "sms"])
    assert result.exit_code == 1
    assert "no template for owner_report/sms/first/vi" in result.output
