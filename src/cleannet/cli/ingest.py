"""``cleannet ingest``: ingest feed files (or zip archives of them) as one feed run.

Exit status: 0 when the run succeeded or partly succeeded (rejected rows, a source that
could not be read), 1 when it failed, 2 for bad arguments (a missing file, an unknown
format or feed, a bad window). With ``--json`` the last line on stdout is exactly
``{"read": N, "accepted": N, "rejected": N, "duplicates": N}``; everything else goes to
stderr.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import rows_read_bar
from cleannet.engines.feeds import FORMATS

if TYPE_CHECKING:
    from cleannet.server.intel.models import Feed, FeedRun

_WINDOW = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_window(text: str) -> dt.timedelta:
    """Return the window ``text`` names (``1d``, ``6h``, ``30m``…); raise ``BadParameter``."""
    match = _WINDOW.match(text)
    if match is None or int(match[1]) == 0:
        raise typer.BadParameter(
            f"{text!r} is not a window like 1d, 6h or 30m", param_hint="--window"
        )
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


def _check_format(name: str) -> str:
    if name not in FORMATS:
        known = ", ".join(FORMATS)
        raise typer.BadParameter(f"{name!r} is not one of: {known}", param_hint="--format")
    return name


def ingest(
    paths: list[Path] = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="Files or zip archives to ingest."
    ),
    format: str = typer.Option(
        ..., "--format", "-f", callback=_check_format, help=f"One of: {', '.join(FORMATS)}."
    ),
    feed: str = typer.Option("", help="Record the run under this declared feed (its name)."),
    as_json: bool = typer.Option(False, "--json", help="End with the counts as one JSON line."),
    window: str = typer.Option("1d", help="Aggregate repeats within this window (1d, 6h…)."),
) -> None:
    """Ingest feed files as one run: parse, aggregate, attribute and store the events."""
    span = parse_window(window)
    setup_django()
    from cleannet.core.errors import CleanNetError
    from cleannet.server.intel.ingest import ingest_sources, options_for_feed, sources_from_paths

    declared = _feed_named(feed) if feed else None
    err = Console(stderr=True)
    try:
        with rows_read_bar(err) as advance:
            run = ingest_sources(
                declared, sources_from_paths(paths), format, options_for_feed(declared),
                progress=advance, window=span,
            )  # fmt: skip
    except CleanNetError as error:
        err.print(f"Ingestion stopped: {error}", style="red", markup=False, highlight=False)
        raise typer.Exit(code=1) from error
    end_with_counts(run, as_json)


def _feed_named(name: str) -> Feed:
    from cleannet.server.intel.models import Feed

    found = Feed.objects.filter(name=name).first()
    if found is None:
        raise typer.BadParameter(
            f"no feed named {name!r} (see: cleannet feeds list)", param_hint="--feed"
        )
    return found


def end_with_counts(run: FeedRun, as_json: bool) -> NoReturn:
    """Print the run's summary (to stderr with ``as_json``, then the JSON line); exit 0 or 1.

    Shared by every command that ends in a feed run (``ingest``, ``feeds run``).
    """
    summarise_run(run, Console(stderr=True) if as_json else Console())
    if as_json:
        counts = {"read": run.read, "accepted": run.accepted,
                  "rejected": run.rejected, "duplicates": run.duplicates}  # fmt: skip
        typer.echo(json.dumps(counts))
    raise typer.Exit(code=1 if run.status == "failed" else 0)


def summarise_run(run: FeedRun, console: Console) -> None:
    """Print what the run did for a person: counts, events, errors, where rejects are."""
    console.print(
        f"Run {run.pk} {run.status}: {run.read:,} rows read, {run.accepted:,} accepted, "
        f"{run.rejected:,} rejected, {run.duplicates:,} duplicates; "
        f"{run.events_created:,} events created, {run.events_merged:,} merged into stored ones.",
        highlight=False,
        soft_wrap=True,
    )
    for line in filter(None, [*run.error.splitlines(), *run.note.splitlines()]):
        console.print(f"  {line}", highlight=False, markup=False, soft_wrap=True)
    if run.unknown_columns:
        console.print(f"  Columns not understood: {', '.join(run.unknown_columns)}", markup=False)
    if run.rejected:
        console.print(f"  Rejected rows: back office, feed run {run.pk}.", highlight=False)
