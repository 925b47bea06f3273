"""``cleannet org …``: organisations (authority, ISPs, banks, …)."""

from __future__ import annotations

import typer

from cleannet.cli.django_setup import setup_django

app = typer.Typer(help="Manage organisations.", no_args_is_help=True)

KINDS = ("authority", "isp", "bank", "ecommerce", "social_network", "government", "other")


@app.command("create")
def create(
    name: str = typer.Argument(..., help="Full name."),
    kind: str = typer.Option(..., help=f"One of: {', '.join(KINDS)}."),
    slug: str = typer.Option("", help="Short name; derived from the name when empty."),
    website: str = typer.Option("", help="Website address."),
) -> None:
    """Create an organisation."""
    if kind not in KINDS:
        typer.secho(f"kind: {kind!r} is not one of {', '.join(KINDS)}", fg="red", err=True)
        raise typer.Exit(code=1)
    setup_django()
    from django.core.exceptions import ValidationError

    from cleannet.server.accounts import services

    try:
        org = services.create_organisation(None, name, kind, slug=slug, website=website)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            typer.secho(f"{field}: {' '.join(messages)}", fg="red", err=True)
        raise typer.Exit(code=1) from exc
    typer.echo(f"Created {org.name} ({org.kind}), short name {org.slug}.")


@app.command("list")
def list_organisations() -> None:
    """List organisations with their kind and short name."""
    setup_django()
    from rich.console import Console
    from rich.table import Table

    from cleannet.server.accounts.models import Organisation

    table = Table("short name", "kind", "name")
    for org in Organisation.objects.order_by("kind", "name"):
        table.add_row(org.slug, org.kind, org.name)
    Console().print(table)
