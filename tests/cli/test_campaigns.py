"""``cleannet campaign simulate``, ``measure`` and ``report`` on the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleannet.cli.campaigns import app
from cleannet.server.campaigns.models import Campaign, CampaignSnapshot

runner = CliRunner()
pytestmark = pytest.mark.django_db

SMALL = ["--days", "5", "--addresses", "200", "--isps", "2", "--families", "2", "--seed", "3"]


def test_it_simulates_a_campaign_and_says_what_it_wrote() -> None:
    result = runner.invoke(app, ["simulate", *SMALL, "--slug", "sim-test"])

    assert result.exit_code == 0, result.output
    campaign = Campaign.objects.get(slug="sim-test")
    assert CampaignSnapshot.objects.filter(campaign=campaign).count() == 5 * 2 * 3
    assert "Campaign sim-test" in result.output
    assert "2 ISPs, 2 families; 6 baselines" in result.output
    assert "30 snapshot rows" in result.output
    assert "Took " in result.output


def test_it_refuses_an_unknown_path_and_a_taken_slug() -> None:
    unknown = runner.invoke(app, ["simulate", *SMALL, "--through", "magic"])
    assert unknown.exit_code == 2
    assert "--through" in unknown.output

    runner.invoke(app, ["simulate", *SMALL, "--slug", "taken"])
    again = runner.invoke(app, ["simulate", *SMALL, "--slug", "taken", "--name", "Other"])
    assert again.exit_code == 2
    assert "slug" in again.output
    assert Campaign.objects.count() == 1


def test_it_measures_one_campaign_or_every_active_one() -> None:
    runner.invoke(app, ["simulate", *SMALL, "--slug", "sim-test"])

    one = runner.invoke(app, ["measure", "--slug", "sim-test"])
    every = runner.invoke(app, ["measure"])
    missing = runner.invoke(app, ["measure", "--slug", "nope"])

    assert one.exit_code == 0, one.output
    assert "sim-test: 3 days measured" in one.output  # the last days again, nothing new
    assert "sim-test: 3 days measured" in every.output
    assert missing.exit_code == 1


def test_it_writes_a_csv_report_of_a_month(tmp_path: Path) -> None:
    runner.invoke(app, ["simulate", *SMALL, "--slug", "sim-test"])
    campaign = Campaign.objects.get(slug="sim-test")
    month = f"{campaign.measured_through:%Y-%m}"
    target = tmp_path / "report.csv"

    result = runner.invoke(app, ["report", "sim-test", "--format", "csv", "--month", month,
                                 "-o", str(target)])  # fmt: skip

    assert result.exit_code == 0, result.output
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) > 1
    assert all(month in line for line in lines[1:])


def test_it_writes_a_pdf_under_the_reports_own_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner.invoke(app, ["simulate", *SMALL, "--slug", "sim-test"])
    monkeypatch.chdir(tmp_path)

    result = runner.invoke(app, ["report", "sim-test", "--format", "pdf", "--language", "en"])

    assert result.exit_code == 0, result.output
    assert (tmp_path / "campaign-sim-test.pdf").read_bytes().startswith(b"%PDF")


@pytest.mark.parametrize(
    ("args", "hint"),
    [(["--format", "doc"], "--format"), (["--month", "2026-13"], "--month"),
     (["--month", "soon"], "--month")],
)  # fmt: skip
def test_it_refuses_a_bad_format_or_month(args: list[str], hint: str) -> None:
    result = runner.invoke(app, ["report", "sim-test", *args])
    assert result.exit_code == 2
    assert hint in result.output
