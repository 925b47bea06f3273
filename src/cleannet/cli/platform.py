"""``serve``, ``worker`` and ``migrate``: running the platform."""

from __future__ import annotations

import sys

import typer

from cleannet.cli.django_setup import setup_django


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, min=1, max=65535, help="TCP port."),
    threads: int = typer.Option(8, min=1, max=64, help="Request threads per process."),
    processes: int = typer.Option(
        1,
        min=1,
        max=64,
        help="Worker processes: 1 runs waitress in this process; more run gunicorn (Unix), "
        "e.g. one per core.",
    ),
) -> None:
    """Serve the web portal, the back office and the API (waitress, or gunicorn with
    several processes)."""
    setup_django()
    from cleannet.server import serving

    typer.echo(f"CleanNet on http://{host}:{port}/ (Ctrl-C to stop)")
    if processes == 1:
        serving.serve_waitress(host, port, threads)
        return
    if sys.platform == "win32":
        raise typer.BadParameter("several processes need gunicorn, which runs on Unix only")
    serving.serve_gunicorn(host, port, processes, threads)


def worker(
    workers: int = typer.Option(2, min=1, max=64, help="Worker threads."),
    periodic: bool = typer.Option(
        True, help="Schedule periodic tasks; keep it on in exactly one worker (--no-periodic)."
    ),
) -> None:
    """Run the background worker: queued tasks and periodic tasks (feeds, heartbeat)."""
    setup_django()
    from django.core.management import call_command

    call_command("run_huey", workers=workers, worker_type="thread", periodic=periodic)


def migrate() -> None:
    """Create or update the database tables."""
    setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1)


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.command()(worker)
    app.command()(migrate)
