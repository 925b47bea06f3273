"""The root of the ``cleannet`` command; each capability adds its group in one line."""

from __future__ import annotations

import typer

from cleannet.cli import (
    brands,
    brands_permutations,
    brands_watch,
    campaigns,
    demo,
    docs,
    events,
    exposure,
    feeds,
    ingest,
    leaks,
    match,
    networks,
    notices,
    notices_preview,
    notices_reports,
    notices_subscribers,
    orgs,
    platform,
    scanner,
    users,
)

app = typer.Typer(
    name="cleannet",
    help="CleanNet: a national platform against malware and personal-data leakage.",
    no_args_is_help=True,
    add_completion=False,
)
platform.register(app)
demo.register(app)
app.add_typer(users.app, name="user")
app.add_typer(orgs.app, name="org")
app.add_typer(docs.app, name="docs")
app.command()(ingest.ingest)
app.add_typer(feeds.app, name="feeds")
app.add_typer(events.app, name="events")
app.add_typer(networks.app, name="networks")
app.command()(match.match)
app.add_typer(leaks.app, name="leaks")
app.add_typer(brands.app, name="brands")
brands.app.command()(brands_permutations.permutations)
brands.app.command(name="watch")(brands_watch.watch)
app.add_typer(scanner.app, name="scanner")
app.add_typer(notices.app, name="notices")
app.add_typer(campaigns.app, name="campaign")
app.add_typer(exposure.app, name="exposure")
notices.app.command()(notices_preview.preview)
notices.app.command()(notices_reports.reports)
notices.app.command()(notices_subscribers.plan)
notices.app.command(name="import-contacts")(notices_subscribers.import_contacts)


def main() -> None:
    app()
