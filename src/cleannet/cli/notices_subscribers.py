"""``cleannet notices plan`` and ``cleannet notices import-contacts`` (at an ISP's node).

Functions the ``notices`` Typer app registers as commands; they start Django on first use.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import progress_bar

_SHOWN_REJECTS = 50
_FILE = typer.Argument(
    ..., exists=True, dir_okay=False, readable=True, help="The CSV file to read."
)
_AT = typer.Option("", "--at", help="Plan as of this UTC time (ISO 8601); now when empty.")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _when(text: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _fail(f"at: {text!r} is not an ISO 8601 time") from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def plan(at: str = _AT) -> None:
    """Open, escalate and close subscribers' warning tickets from the findings; queue notices."""
    now = _when(at)
    setup_django()
    from cleannet.server.notices.warnings import plan_warnings

    with progress_bar("Subscribers") as advance:
        summary = plan_warnings(now, progress=advance)
    typer.echo(
        f"opened {summary.opened}, escalated {summary.escalated}, "
        f"re-infected {summary.reinfected}, closed {summary.closed}; "
        f"queued {summary.queued} messages, {summary.skipped_cooldown} held back by the cooldown"
    )


def import_contacts(path: Path = _FILE) -> None:
    """Import subscribers' contacts (CSV: subscriber,email,phone,language,channels)."""
    setup_django()
    from cleannet.core.errors import InvalidValue
    from cleannet.server.notices.contacts import import_contacts as run_import

    try:
        with progress_bar("Contacts") as advance:
            run = run_import(path, path.name, progress=advance)
    except InvalidValue as error:
        raise _fail(f"{path.name}: {error.reason}") from error
    rejections = list(run.rejections.order_by("line")[: _SHOWN_REJECTS + 1])
    for rejection in rejections[:_SHOWN_REJECTS]:
        where = f" {rejection.field}" if rejection.field else ""
        typer.echo(f"line {rejection.line}{where}: {rejection.reason}", err=True)
    if run.rejected > _SHOWN_REJECTS:
        typer.echo(f"… and {run.rejected - _SHOWN_REJECTS} more rejected rows", err=True)
    typer.echo(
        f"{run.read} rows read: {run.accepted} imported, {run.rejected} rejected, "
        f"{run.duplicates} duplicates"
    )
