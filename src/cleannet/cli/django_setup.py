"""Start Django once, on first use, so ``cleannet --help`` stays instant."""

from __future__ import annotations

import os

import typer

from cleannet.core.errors import ConfigurationError


def setup_django() -> None:
    """Load the settings and the app registry; exit with the setting's message if one is bad."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cleannet.server.settings")
    import django

    try:
        django.setup()
    except ConfigurationError as exc:
        typer.secho(f"Configuration error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(code=2) from exc
