"""``cleannet campaign …``: simulate a national campaign, measure campaigns, write reports."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cleannet.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cleannet.server.campaigns.models import Campaign

app = typer.Typer(help="Cleanup campaigns: simulation, measurement, reports.", no_args_is_help=True)

THROUGH = ("snapshots", "events")
FORMATS = ("csv", "pdf")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@app.command()
def simulate(
    days: int = typer.Option(90, "--days", min=1, max=400, help="Days the campaign has run."),
    addresses: int = typer.Option(
        2_000_000, "--addresses", min=1, help="Infected addresses when the baseline opens."
    ),
    isps: int = typer.Option(10, "--isps", min=1, max=50, help="ISPs taking part."),
    families: int = typer.Option(20, "--families", min=1, max=30, help="Malware families."),
    seed: int = typer.Option(1, "--seed", help="The same seed gives the same campaign."),
    through: str = typer.Option(
        "snapshots",
        "--through",
        help="snapshots (any scale) or events (small: real events and the real measurement).",
    ),
    slug: str = typer.Option("", "--slug", help="The campaign's short name (default: free)."),
    name: str = typer.Option("", "--name", help="The campaign's name (default: free)."),
) -> None:
    """Simulate an active campaign that started DAYS days ago, measured through yesterday."""
    if through not in THROUGH:
        raise typer.BadParameter(f"one of {', '.join(THROUGH)}", param_hint="--through")
    setup_django()
    from django.core.exceptions import ValidationError

    from cleannet.cli.progress import progress_bar
    from cleannet.server.campaigns.simulation import simulate_campaign

    started = time.perf_counter()
    try:
        with progress_bar("Simulating the campaign") as advance:
            campaign = simulate_campaign(
                days=days, addresses=addresses, isps=isps, families=families, seed=seed,
                through=through, slug=slug, name=name, progress=advance,  # type: ignore[arg-type]
            )  # fmt: skip
    except ValidationError as error:
        typer.secho(f"Refused: {_messages(error)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from error
    for line in written(campaign):
        typer.echo(line)
    typer.echo(f"Took {time.perf_counter() - started:.1f} s.")


def _messages(error: Exception) -> str:
    """A ValidationError's messages on one line, each with its field."""
    by_field = getattr(error, "message_dict", None)
    if not by_field:
        return "; ".join(getattr(error, "messages", [str(error)]))
    return "; ".join(f"{field}: {' '.join(texts)}" for field, texts in by_field.items())


def written(campaign: Campaign) -> list[str]:
    """What the platform now holds for ``campaign``: one line each."""
    from cleannet.server.campaigns.models import ALL_FAMILIES

    participants = campaign.participants.count()
    snapshots = campaign.snapshots.count()
    baseline = sum(
        campaign.baselines.filter(family=ALL_FAMILIES).values_list("addresses", flat=True)
    )
    return [
        f"Campaign {campaign.slug} ({campaign.get_status_display()}): {campaign.name}",
        f"  {campaign.starts_on} to {campaign.ends_on}, measured through "
        f"{campaign.measured_through}; goal -{campaign.goal_reduction} %",
        f"  {participants} ISPs, {campaign.families.count()} families; "
        f"{campaign.baselines.count():,} baselines ({baseline:,} infected addresses), "
        f"{snapshots:,} snapshot rows",
    ]


@app.command()
def measure(
    slug: str = typer.Option("", "--slug", help="One campaign (default: every active one)."),
) -> None:
    """Measure campaigns through yesterday (what the daily task does)."""
    setup_django()
    from cleannet.server.campaigns.measure import measure_active_campaigns, measure_campaign

    if slug:
        campaign = _campaign(slug)
        measured = {campaign.slug: measure_campaign(campaign)}
    else:
        measured = measure_active_campaigns()
    if not measured:
        typer.echo("No campaign to measure.")
    for name, days in measured.items():
        typer.echo(f"{name}: {days} days measured")


def _campaign(slug: str) -> Campaign:
    from cleannet.server.campaigns.models import Campaign

    campaign = Campaign.objects.filter(slug=slug).first()
    if campaign is None:
        typer.secho(f"No campaign {slug!r}.", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1)
    return campaign


def month_range(month: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a ``YYYY-MM`` month; ``typer.BadParameter`` otherwise."""
    from cleannet.server.campaigns.progress import month_bounds

    found = _MONTH.match(month)
    try:
        if found is None:
            raise ValueError(month)
        return month_bounds(int(found[1]), int(found[2]))
    except ValueError as error:
        raise typer.BadParameter("a month as YYYY-MM", param_hint="--month") from error


@app.command()
def report(
    slug: str = typer.Argument(..., help="The campaign's short name."),
    format: str = typer.Option("pdf", "--format", help="csv (the snapshots) or pdf."),
    month: str = typer.Option("", "--month", help="Only this month, as YYYY-MM."),
    language: str = typer.Option("vi", "--language", help="The PDF's language: vi or en."),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="Where to write (default: the report's own file name)."
    ),
) -> None:
    """Write a campaign's report, whole or of one month, ready to publish."""
    if format not in FORMATS:
        raise typer.BadParameter(f"one of {', '.join(FORMATS)}", param_hint="--format")
    if language not in ("vi", "en"):
        raise typer.BadParameter("vi or en", param_hint="--language")
    since, until = month_range(month) if month else (None, None)
    setup_django()
    from cleannet.server.campaigns.exports import report_filename, snapshot_csv
    from cleannet.server.campaigns.pdf import campaign_pdf

    campaign = _campaign(slug)
    if format == "csv":
        content = snapshot_csv(campaign, since=since, until=until)
    else:
        content = campaign_pdf(campaign, language=language, since=since, until=until)
    target = output or Path(report_filename(campaign, format, since, until))
    target.write_bytes(content)
    typer.echo(f"Wrote {target} ({len(content):,} bytes).")
