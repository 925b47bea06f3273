"""``cleannet user …``: accounts for people and scripts."""

from __future__ import annotations

import typer

from cleannet.cli.django_setup import setup_django

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)

ROLES = ("authority_admin", "authority_analyst", "isp_operator", "org_member")


def _fail(message: str) -> typer.Exit:
    typer.secho(message, fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@app.command("create")
def create(
    username: str = typer.Argument(..., help="Login name."),
    email: str = typer.Option(..., help="E-mail address."),
    role: str = typer.Option(..., help=f"One of: {', '.join(ROLES)}."),
    organisation: str = typer.Option(..., help="Short name (slug) of the organisation."),
    password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        confirmation_prompt=True,
        help="Password (asked for when not given).",
    ),
    token: bool = typer.Option(False, help="Also issue an API token and print it once."),
) -> None:
    """Create a user with a role in an organisation."""
    if role not in ROLES:
        raise _fail(f"role: {role!r} is not one of {', '.join(ROLES)}")
    setup_django()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from cleannet.server.accounts import services
    from cleannet.server.accounts.models import Organisation

    org = Organisation.objects.filter(slug=organisation).first()
    if org is None:
        raise _fail(f"organisation: no organisation with the short name {organisation!r}")
    try:
        validate_password(password)
        user = services.create_user(None, username, email, password, role, org)
    except ValidationError as exc:
        raise _fail("; ".join(f"{k}: {' '.join(v)}" for k, v in _errors(exc).items())) from exc
    typer.echo(f"Created {user.username} ({user.role}) in {org.name}.")
    if token:
        typer.echo(f"API token (shown once): {services.issue_api_token(None, user, 'cli').token}")


def _errors(exc: object) -> dict[str, list[str]]:
    if hasattr(exc, "message_dict"):
        return dict(exc.message_dict)
    return {"password": list(getattr(exc, "messages", [str(exc)]))}
