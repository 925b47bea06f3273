"""``cleannet notices preview``: show a notice as it would be sent, with sample values.

The template is the one sending would pick (the family's back-office template, else the
default one, else the shipped text). Exit status: 0 shown, 1 no template for that
combination or it does not compile, 2 a value that is not one of the choices.
"""

from __future__ import annotations

import typer

from cleannet.cli.django_setup import setup_django

KINDS = ("subscriber_warning", "owner_report")
CHANNELS = ("email", "sms", "page")
STAGES = ("first", "reminder", "final", "reinfected")
LANGUAGES = ("vi", "en")


def _check(name: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        typer.secho(f"{name}: {value!r} is not one of {', '.join(choices)}", fg="red", err=True)
        raise typer.Exit(code=2)


def preview(
    kind: str = typer.Option("subscriber_warning", help=f"One of: {', '.join(KINDS)}."),
    channel: str = typer.Option("email", help=f"One of: {', '.join(CHANNELS)}."),
    stage: str = typer.Option("first", help=f"One of: {', '.join(STAGES)}."),
    language: str = typer.Option("vi", help=f"One of: {', '.join(LANGUAGES)}."),
    family: str = typer.Option("", help="A malware family's name or alias (default: none)."),
) -> None:
    """Print a notice's subject and body rendered with sample values."""
    for name, value, choices in (
        ("kind", kind, KINDS), ("channel", channel, CHANNELS), ("stage", stage, STAGES),
        ("language", language, LANGUAGES),
    ):  # fmt: skip
        _check(name, value, choices)
    setup_django()
    from django.template import TemplateSyntaxError

    from cleannet.server.notices.template_engine import sms_parts
    from cleannet.server.notices.templating import NoTemplate
    from cleannet.server.notices.templating import preview as render_preview

    try:
        rendered = render_preview(kind, channel, stage, language, family)
    except (NoTemplate, TemplateSyntaxError) as exc:
        typer.secho(str(exc), fg="red", err=True)
        raise typer.Exit(code=1) from exc
    if rendered.subject:
        typer.echo(f"Subject: {rendered.subject}\n")
    typer.echo(rendered.body)
    if channel == "sms":
        typer.echo(f"\n({len(rendered.body)} characters, {sms_parts(rendered.body)} SMS parts)")
