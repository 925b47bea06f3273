"""The ``cleannet`` command line: ``main`` is the console script, ``app`` the Typer root."""

from cleannet.cli.app import app, main

__all__ = ["app", "main"]
