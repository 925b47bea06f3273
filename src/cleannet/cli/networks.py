"""``cleannet networks …``: import prefix tables, look up who held an address."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import progress_bar

if TYPE_CHECKING:
    from cleannet.server.networks.imports import ImportReport

app = typer.Typer(
    help="Autonomous systems and prefixes: imports and look-ups.", no_args_is_help=True
)

_SHOWN_REJECTS = 20
_SHOWN_HELD_ASIDE = 10
_FILE = typer.Argument(..., exists=True, dir_okay=False, readable=True, help="The file to read.")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


def _day(text: str, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option}: {text!r} is not a day written YYYY-MM-DD") from None


def _when(text: str) -> dt.date | dt.datetime:
    """Return the day or time ``--at`` names (now when empty); exit naming the option if bad."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from cleannet.server.networks.services import parse_time

    if not text:
        return timezone.now()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return parse_time(text, "at")
    except ValidationError as exc:
        raise _fail(f"at: {' '.join(exc.message_dict['at'])}") from exc


def _print_report(report: ImportReport) -> None:
    """Print the rejected lines and the largest held-aside groups, then the summary line."""
    for reject in report.rejected[:_SHOWN_REJECTS]:
        typer.echo(f"line {reject.line}: {reject.reason}", err=True)
    if len(report.rejected) > _SHOWN_REJECTS:
        typer.echo(f"… and {len(report.rejected) - _SHOWN_REJECTS} more rejected lines", err=True)
    for why, count in report.held_aside.most_common(_SHOWN_HELD_ASIDE):
        typer.echo(f"held aside: {count} prefixes, {why}", err=True)
    typer.echo(report.summary())


@app.command("import-ipasn")
def import_ipasn(
    path: Path = _FILE,
    since: str = typer.Option("", help="First day held (YYYY-MM-DD); today when empty."),
) -> None:
    """Import an IPASN dump (prefix<TAB>asn, as pyasn writes it; .gz/.bz2 read as is)."""
    first_day = _day(since, "since")
    setup_django()
    from cleannet.server.networks import imports

    with progress_bar("IPASN") as advance:
        report = imports.import_ipasn(path, None, since=first_day, progress=advance)
    _print_report(report)


@app.command("import-delegated")
def import_delegated(
    path: Path = _FILE,
    country: str = typer.Option("", help="Only records of this country (two letters), e.g. VN."),
    holder: list[str] = typer.Option(
        [], help="OPAQUE_ID=SHORT_NAME: give a holder's organisation (repeatable)."
    ),
) -> None:
    """Import RIR delegated statistics (the extended format of APNIC, RIPE, ARIN, …)."""
    holders = {}
    for pair in holder:
        opaque_id, equals, slug = pair.partition("=")
        if not (equals and opaque_id.strip() and slug.strip()):
            raise _fail(f"holder: {pair!r} is not OPAQUE_ID=SHORT_NAME")
        holders[opaque_id.strip()] = slug.strip()
    setup_django()
    from django.core.exceptions import ValidationError

    from cleannet.server.networks import imports

    try:
        with progress_bar("Delegated") as advance:
            report = imports.import_delegated(
                path, None, country or None, holders=holders, progress=advance
            )
    except ValidationError as exc:
        raise _fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
    _print_report(report)


@app.command("import-prefixes")
def import_prefixes(path: Path = _FILE) -> None:
    """Import organisation prefixes: CSV organisation,cidr,asn,valid_from,valid_until."""
    setup_django()
    from cleannet.server.networks import imports

    with progress_bar("Prefixes") as advance:
        report = imports.import_org_prefixes(path, None, progress=advance)
    _print_report(report)


@app.command("lookup")
def lookup(
    ip: str = typer.Argument(..., help="IPv4 or IPv6 address."),
    at: str = typer.Option("", "--at", help="Day (YYYY-MM-DD) or time (ISO 8601); now if empty."),
) -> None:
    """Print who held an address on a day: prefix, AS and organisation."""
    setup_django()
    from cleannet.core.errors import InvalidIndicator
    from cleannet.server.networks.services import owner_of, validity_day

    day = validity_day(_when(at))
    try:
        found = owner_of(ip, day)
    except InvalidIndicator as exc:
        raise _fail(f"ip: {exc.reason}") from exc
    if found is None:
        typer.echo(f"{ip}: nobody held it on {day.isoformat()}")
        return
    held = found.prefix
    system = f"AS{found.autonomous_system.number}" if found.autonomous_system else "no AS"
    until = held.valid_until.isoformat() if held.valid_until else "now"
    typer.echo(
        f"{found.ip}: {found.organisation.name} ({found.organisation.slug}), {held.cidr}, "
        f"{system}, held {held.valid_from.isoformat()} to {until} (on {day.isoformat()})"
    )
