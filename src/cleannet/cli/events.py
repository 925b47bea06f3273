"""``cleannet events …``: exports of stored events (CSV, JSON Lines, MISP feed, STIX bundle)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import typer

from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import progress_bar

if TYPE_CHECKING:
    import datetime as dt

    from cleannet.server.accounts.models import Organisation

app = typer.Typer(help="Export stored events.", no_args_is_help=True)

FORMATS = ("csv", "jsonl", "misp", "stix")
LARGE = 1000  # events from which a progress bar is drawn on stderr

Advance = Callable[[int], None]


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _owner(slug: str) -> Organisation | None:
    from cleannet.server.accounts.models import Organisation

    if not slug:
        return None
    found = Organisation.objects.filter(slug=slug).first()
    if found is None:
        raise _fail(f"--owner: no organisation with the short name {slug!r}")
    return found


def _time(raw: str, option: str) -> dt.datetime | None:
    from django.core.exceptions import ValidationError

    from cleannet.server.networks.services import parse_time

    try:
        return parse_time(raw, option) if raw else None
    except ValidationError as exc:
        raise _fail(f"{option}: {' '.join(exc.message_dict[option])}") from exc


@contextmanager
def _progress(total: int) -> Iterator[Advance | None]:
    """Yield ``advance(n)`` (n more events) for large exports, None for small ones."""
    if total < LARGE:
        yield None
        return
    with progress_bar("events") as show:
        done = 0

        def advance(count: int) -> None:
            nonlocal done
            done += count
            show(done, total)

        yield advance


def _open(output: str) -> TextIO | nullcontext[TextIO]:
    if output == "-":
        return nullcontext(sys.stdout)
    try:
        return Path(output).open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise _fail(f"--output: cannot write {output}: {exc.strerror}") from exc


@app.command("export")
def export(
    owner: str = typer.Option("", help="Short name of the owner organisation; all when empty."),
    format: str = typer.Option("csv", "--format", help=f"One of: {', '.join(FORMATS)}."),
    since: str = typer.Option("", help="time.source at or after (ISO 8601, UTC)."),
    until: str = typer.Option("", help="time.source before (ISO 8601, UTC)."),
    output: str = typer.Option("-", help="File to write, - for stdout; a directory for misp."),
) -> None:
    """Export events: CSV or JSON Lines (IntelMQ names), a MISP feed, or a STIX 2.1 bundle."""
    if format not in FORMATS:
        raise _fail(f"--format: {format!r} is not one of {', '.join(FORMATS)}")
    if format == "misp" and output == "-":
        raise _fail("--output: a MISP feed is a directory; - (stdout) cannot hold it")
    setup_django()
    from cleannet.server.exchange import services

    selection = services.EventSelection(
        owner=_owner(owner), since=_time(since, "--since"), until=_time(until, "--until")
    )
    with _progress(selection.count()) as advance:
        if format == "misp":
            summary = services.export_misp_feed(
                selection.owner, Path(output), selection.since, selection.until, advance
            )
            typer.echo(f"Wrote {summary.misp_events} MISP events to {output}", err=True)
            return
        exporters = {
            "csv": services.export_events_csv,
            "jsonl": services.export_events_jsonl,
            "stix": services.export_stix_bundle,
        }
        with _open(output) as out:
            for chunk in exporters[format](selection, advance):
                out.write(chunk)
    if output != "-":
        typer.echo(f"Wrote {output}", err=True)
