"""``cleannet notices reports``: make the owner reports that are due now, print their tickets.

The worker does the same every minute; this runs it once (after an import, in a demo, or
with ``--now`` to act as at another time). The e-mails are queued in the outbox;
``cleannet notices send-pending`` sends them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from cleannet.cli.django_setup import setup_django


def _time(raw: str) -> dt.datetime:
    from django.core.exceptions import ValidationError

    from cleannet.server.networks.services import parse_time

    try:
        return parse_time(raw, "--now")
    except ValidationError as exc:
        typer.secho(f"--now: {' '.join(exc.messages)}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from exc


def reports(
    now: Annotated[
        str,
        typer.Option("--now", help="act as at this time (ISO 8601, UTC unless a zone is given)"),
    ] = "",
) -> None:
    """Run the due report rules once; print one line per report made."""
    setup_django()
    from cleannet.server.notices.owner_reports import run_report_rules

    made = run_report_rules(_time(now) if now else None)
    for report in made:
        recipients = len(report.recipients)
        typer.echo(
            f"{report.number}\t{report.organisation.slug}\t{report.event_count} events\t"
            f"{report.format}\t{recipients} recipient(s)"
        )
    typer.secho(f"{len(made)} report(s) made", err=True)
