"""``cleannet docs …``: documents generated from the code."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Generate documentation from the code.", no_args_is_help=True)


@app.command("data-format")
def data_format(
    output: Path = typer.Option(
        Path("docs/data-format.md"), help="Where to write it; - for stdout."
    ),
) -> None:
    """Write the event data format (field catalogue and taxonomy) as Markdown."""
    from cleannet.core.datadoc import render_data_format

    text = render_data_format()
    if str(output) == "-":
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {output}")


@app.command("feeds")
def feeds(
    output: Path = typer.Option(Path("docs/feeds.md"), help="Where to write it; - for stdout."),
    registry: Path | None = typer.Option(
        None, help="The registry file to document (default: the packaged one)."
    ),
) -> None:
    """Write the feed registry (every feed, its source, schedule and defaults) as Markdown."""
    from cleannet.engines.feeds.feedsdoc import render_feeds_doc
    from cleannet.engines.feeds.registry import RegistryError, load_registry

    try:
        text = render_feeds_doc(load_registry(registry))
    except RegistryError as exc:
        typer.secho(str(exc), fg=typer.colors.RED, err=True)
        raise typer.Exit(code=1) from exc
    if str(output) == "-":
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    typer.echo(f"Wrote {output}")
