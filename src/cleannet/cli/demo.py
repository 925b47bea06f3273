"""``cleannet demo``: the whole platform on SQLite with a generated world, in one command."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from cleannet.cli.demo_mailbox import DemoMailbox, demo_mailbox
from cleannet.cli.django_setup import setup_django
from cleannet.cli.progress import progress_bar

if TYPE_CHECKING:
    from cleannet.server.demo import World


def _demo_environment(host: str, port: int) -> None:
    # A laptop demo on 127.0.0.1: debug pages and cookies over plain http, links in the
    # notices it sends pointing at the served site. Explicit values in the environment win.
    os.environ.setdefault("CLEANNET_DEBUG", "1")
    os.environ.setdefault("CLEANNET_SECURE_COOKIES", "0")
    shown = f"[{host}]" if ":" in host else host
    os.environ.setdefault("CLEANNET_SITE_URL", f"http://{shown}:{port}")


def _load_world(seed: int, days: int, events: int) -> World:
    from cleannet.server.demo import demo_passwords, generate_world, load_world

    world = generate_world(seed=seed, days=days, events=events)
    with progress_bar("Loading the demo world") as advance:
        summary = load_world(world, progress=advance, passwords=demo_passwords(world.users))
    typer.echo(
        f"Created {summary.organisations} organisations, {summary.users} users, "
        f"{summary.prefixes} prefixes, {summary.families} malware families, "
        f"{summary.indicators} indicators; events: {summary.events_read} read, "
        f"{summary.events_accepted} new, {summary.events_duplicates} already known; "
        f"{summary.brands} brands watched for lookalikes."
    )
    return world


def _send_notices(box: DemoMailbox) -> None:
    from cleannet.server.demo.load_notices import load_notice_demo

    result = load_notice_demo()
    delivery = result.delivery
    typer.echo(
        f"Notices: {result.findings} infected subscribers found by the node, contacts "
        f"{result.contacts_accepted} imported and {result.contacts_rejected} refused, "
        f"{result.tickets_opened} tickets opened, {result.owner_reports} owner reports; "
        f"{delivery.sent} messages sent, {delivery.failed} failed, {delivery.retried} to retry."
    )
    mails, sms = box.mails(), box.sms
    reports = sum(1 for mail in mails if mail.ticket.startswith("R-"))
    typer.echo(
        f"The loopback mailbox holds {len(mails)} e-mails ({reports} owner reports, "
        f"{len(mails) - reports} subscriber warnings) in {box.directory}, and {len(sms)} SMS "
        f"(SMTP 127.0.0.1:{box.smtp_port}, SMPP 127.0.0.1:{box.smpp_port})."
    )


def _print_logins(world: World) -> None:
    from rich.console import Console
    from rich.table import Table

    from cleannet.server.demo import demo_passwords, ensure_demo_logins

    table = Table("user", "password", "role", "organisation", title="Demo logins")
    for login in ensure_demo_logins(world.users, demo_passwords(world.users)):
        table.add_row(login.username, login.password, login.role, login.organisation)
    Console().print(table)
    from django.conf import settings

    typer.echo(f"The passwords are kept in {settings.VAR_DIR / 'demo-logins.json'} (yours only).")


def _die_with_parent() -> None:
    # Linux: the worker gets SIGTERM when this process dies, even by SIGKILL.
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start_worker() -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "cleannet", "worker"]
    return subprocess.Popen(command, preexec_fn=_die_with_parent)  # noqa: S603


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds through the finally in demo(), which stops the worker


def demo(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    seed: int = typer.Option(2026, help="Seed of the generated world (same seed, same world)."),
    days: int = typer.Option(90, min=1, max=730, help="Days of events."),
    events: int = typer.Option(20000, min=0, max=2_000_000, help="Number of events."),
    serve: bool = typer.Option(True, help="Serve the platform after loading (--no-serve to stop)."),
) -> None:
    """Migrate, load a generated world, send its notices to a loopback mailbox, print the
    logins, then serve with the worker running (and the mailbox still receiving)."""
    _demo_environment(host, port)
    var_dir = Path(os.environ.get("CLEANNET_VAR_DIR") or "var").resolve()
    with demo_mailbox(var_dir / "demo-mailbox") as box:
        setup_django()
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
        world = _load_world(seed, days, events)
        _send_notices(box)
        _print_logins(world)
        if serve:
            _serve(host, port)


def _serve(host: str, port: int) -> None:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    worker = _start_worker()
    try:
        from cleannet.cli.platform import serve as serve_command

        serve_command(host=host, port=port, threads=8)
    finally:
        worker.terminate()
        worker.wait(timeout=15)


def register(app: typer.Typer) -> None:
    app.command()(demo)
