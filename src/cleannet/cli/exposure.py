"""``cleannet exposure …``: the authority's exposure scans from the command line.

``define`` records a scope (the written approval to scan an owner's networks until a date),
``scopes`` lists them, ``scan`` runs one scope now with a progress bar and prints what it found.
Every scan is logged as a run and audited under the person named with ``--user``. Exit status
0 on success, 1 for a refused or failed scan or refused input, 2 for an unknown user or scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cleannet.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cleannet.engines.exposure import ScanProgress
    from cleannet.server.accounts.models import Organisation, User
    from cleannet.server.exposure.models import ScanRun, ScanScope

app = typer.Typer(help="Exposure scanning: approved scopes and their scans.", no_args_is_help=True)

USER_HELP = "Username of the authority member the action is recorded under."


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=code)


def _refused(error: Exception) -> typer.Exit:
    """A service's refusal (ValidationError with fields, or PermissionDenied) as exit 1."""
    by_field = getattr(error, "message_dict", None)
    if by_field:
        text = "; ".join(f"{field}: {' '.join(texts)}" for field, texts in by_field.items())
    else:
        text = " ".join(str(m) for m in getattr(error, "messages", [error]))
    return _fail(f"Refused: {text}", code=1)


def _actor(username: str) -> User:
    from cleannet.server.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise _fail(f"--user: no user named {username!r}")
    return user


def _scope(name: str) -> ScanScope:
    from cleannet.server.exposure.models import ScanScope

    scope = ScanScope.objects.select_related("owner").filter(name=name).first()
    if scope is None:
        raise _fail(f"--scope: no scope named {name!r}")
    return scope


def _organisation(key: str) -> Organisation:
    from django.db.models import Q

    from cleannet.server.accounts.models import Organisation

    org = Organisation.objects.filter(Q(slug=key) | Q(name=key)).first()
    if org is None:
        raise _fail(f"--owner: no organisation with the short name or name {key!r}")
    return org


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _ports(text: str) -> list[int] | None:
    """``"22,80,8000-8010"`` as ports (None for an empty text: the scope's own ports)."""
    from cleannet.engines.exposure import ScopeError, parse_ports

    if not text.strip():
        return None
    try:
        return list(parse_ports(text))
    except ScopeError as error:
        raise typer.BadParameter(error.reason, param_hint="--ports") from error


@app.command("define")
def define(
    name: str = typer.Option(..., "--name", help="Short name (lower case, digits, hyphens)."),
    owner: str = typer.Option(..., "--owner", help="The owner organisation's short name."),
    network: list[str] = typer.Option([], "--network", help="A network in CIDR; repeat."),
    hostname: list[str] = typer.Option([], "--hostname", help="A host name or *.zone; repeat."),
    approved_until: str = typer.Option(..., "--approved-until", help="YYYY-MM-DD."),
    reference: str = typer.Option(
        ..., "--reference", help="The document or decision that authorises the scan."
    ),
    title: str = typer.Option("", "--title", help="A title (default: the name)."),
    ports: str = typer.Option("", "--ports", help="Ports, e.g. 22,80,443 (default: probes')."),
    probes: str = typer.Option("", "--probes", help="Probes, e.g. ssh,http (default: all)."),
    rate: int = typer.Option(100, "--rate", min=1, help="Connections per second per network."),
    schedule: str = typer.Option("", "--schedule", help="Crontab (default: manual only)."),
    allow_wide: bool = typer.Option(False, "--allow-wide", help="Allow networks wider than /16."),
    user: str = typer.Option(..., "--user", help=USER_HELP),
) -> None:
    """Record a scope: the approval to scan an owner's networks and names until a date."""
    try:
        until = dt.date.fromisoformat(approved_until)
    except ValueError as error:
        raise typer.BadParameter("a date as YYYY-MM-DD", param_hint="--approved-until") from error
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cleannet.server.exposure import services

    fields: dict[str, Any] = {
        "name": name, "title": title or name, "owner": _organisation(owner),
        "networks": network, "hostnames": hostname, "ports": _ports(ports) or [],
        "probes": _split(probes), "approval_reference": reference, "approved_until": until,
        "rate_per_second": rate, "schedule": schedule, "allow_wide": allow_wide,
    }  # fmt: skip
    try:
        scope = services.define_scope(_actor(user), **fields)
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error) from error
    typer.echo(f"Defined scope {scope.name} for {scope.owner.name}, approved until {until}.")


@app.command("scopes")
def scopes() -> None:
    """List the scopes: owner, networks, approval, schedule and the latest run."""
    setup_django()
    from cleannet.server.exposure.models import ScanScope

    table = Table("name", "owner", "networks and names", "approved until", "schedule", "last run")
    for scope in ScanScope.objects.select_related("owner").order_by("name"):
        last = scope.runs.order_by("-started_at", "-pk").first()
        seen = f"{last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never"
        where = ", ".join([*scope.networks, *scope.hostnames])
        state = "" if scope.enabled else " (disabled)"
        table.add_row(escape(scope.name) + state, escape(scope.owner.name), escape(where),
                      str(scope.approved_until), scope.schedule or "manual", seen)  # fmt: skip
    Console().print(table)


@contextmanager
def scan_progress() -> Iterator[Callable[[ScanProgress], None]]:
    """Yield ``update(progress)``; a bar of ports done with hosts, open ports and findings."""
    columns = (
        TextColumn("[bold]Scanning"), BarColumn(), MofNCompleteColumn(),
        TextColumn("ports · {task.fields[hosts]} hosts · {task.fields[open]} open · "
                   "{task.fields[findings]} findings"),
        TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("scan", total=None, hosts=0, open=0, findings=0)

        def update(state: ScanProgress) -> None:
            progress.update(
                task, completed=state.ports_done, total=state.ports_total or None,
                hosts=state.hosts, open=state.open, findings=state.findings,
            )  # fmt: skip

        yield update


def summary_table(run: ScanRun) -> Table:
    """One row: the run's status and counts."""
    table = Table("scope", "status", "targets", "ports", "refused", "open ports", "findings",
                  "new", "fixed", title="Exposure scan")  # fmt: skip
    table.add_row(escape(run.scope.name), run.status, str(len(run.targets)), str(len(run.ports)),
                  str(len(run.refused)), str(run.open_ports), str(run.findings),
                  str(run.new_findings), str(run.fixed_findings))  # fmt: skip
    return table


@app.command("scan")
def scan(
    scope: str = typer.Option(..., "--scope", help="The scope's short name."),
    ports: str = typer.Option("", "--ports", help="Ports, e.g. 22,80,443 (default: scope's)."),
    probes: str = typer.Option("", "--probes", help="Probes, e.g. ssh,http (default: scope's)."),
    target: list[str] = typer.Option(
        [], "--target", help="Only this address, network or name (checked against the scope)."
    ),
    user: str = typer.Option(..., "--user", help=USER_HELP),
) -> None:
    """Scan a scope now: targets outside it are refused before any packet; print a summary."""
    chosen_ports = _ports(ports)
    setup_django()
    from django.core.exceptions import PermissionDenied, ValidationError

    from cleannet.server.exposure import services

    actor, chosen = _actor(user), _scope(scope)
    try:
        with scan_progress() as update:
            run = services.run_scan(
                actor, chosen, ports=chosen_ports, probes=_split(probes) or None,
                targets=target or None, progress=update,
            )  # fmt: skip
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error) from error
    _print_run(run)
    if run.status != "finished":
        raise typer.Exit(code=1)


def _print_run(run: ScanRun) -> None:
    console = Console()
    console.print(summary_table(run))
    for refusal in run.refused:
        console.print(f"refused {escape(str(refusal.get('target')))}: "
                      f"{escape(str(refusal.get('reason')))}")  # fmt: skip
    if run.error:
        console.print(f"[red]{escape(run.status)}: {escape(run.error)}[/red]")
