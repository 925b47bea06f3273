"""``cleannet scanner …``: the hub side of the scanner's signature bundles.

``build-bundle`` gathers the publishable indicators and the rules directory, signs them with
the configured key and publishes the bundle (``/scanner/bundles/latest`` serves it at once).
``public-key`` prints the PEM public key that scanners verify bundles with.
Exit status 0 on success, 2 for a configuration problem (named with its setting).
"""

from __future__ import annotations

import typer

from cleannet.cli.django_setup import setup_django

app = typer.Typer(help="Scanner signature bundles (hub side).", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=2)


@app.command("build-bundle")
def build_bundle(
    by: str = typer.Option("", help="Username recorded as the builder (default: system)."),
) -> None:
    """Build, sign and publish a new signature bundle."""
    setup_django()
    from django.core.exceptions import ImproperlyConfigured

    from cleannet.server.accounts.models import User
    from cleannet.server.scanhub import services

    actor = None
    if by:
        actor = User.objects.filter(username=by).first()
        if actor is None:
            raise _fail(f"--by: no user named {by!r}")
    try:
        bundle = services.build_and_publish(actor)
    except (ImproperlyConfigured, services.BundleConflict) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"Published signature bundle {bundle.version} ({bundle.size} bytes)")
    typer.echo(f"  sha256 {bundle.sha256}, key {bundle.key_id}")
    typer.echo(f"  file   {services.bundle_path(bundle)}")
    for name, lines in sorted(bundle.counts.items()):
        typer.echo(f"  {name}: {lines} lines")


@app.command("public-key")
def public_key() -> None:
    """Print the public key (PEM) that scanners verify bundles with."""
    setup_django()
    from django.core.exceptions import ImproperlyConfigured

    from cleannet.server.scanhub import services

    try:
        typer.echo(services.public_key().decode("ascii"), nl=False)
    except ImproperlyConfigured as exc:
        raise _fail(str(exc)) from exc
