"""``cleannet feeds …``: the declared feeds and their runs.

``cleannet feeds run NAME`` (fetch, then ingest) belongs to the feed fetching code: it adds
its command to ``app`` below with ``@app.command("run")``, next to these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from cleannet.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cleannet.server.intel.models import FeedRun

app = typer.Typer(help="Feeds and their runs.", no_args_is_help=True)


def _counts(run: FeedRun | None) -> list[str]:
    if run is None:
        return ["—", "", "", "", "", ""]
    return [run.status, f"{run.started_at:%Y-%m-%d %H:%M}", f"{run.read:,}",
            f"{run.accepted:,}", f"{run.rejected:,}", f"{run.duplicates:,}"]  # fmt: skip


@app.command("list")
def list_feeds() -> None:
    """List the feeds with their format, schedule and last run."""
    setup_django()
    from django.db.models import Max

    from cleannet.server.intel.models import Feed, FeedRun

    feeds = list(Feed.objects.annotate(last_run=Max("runs__id")).order_by("name"))
    runs = FeedRun.objects.in_bulk([f.last_run for f in feeds if f.last_run])
    table = Table("name", "format", "schedule", "enabled", "last run", "started",
                  "read", "accepted", "rejected", "duplicates")  # fmt: skip
    for feed in feeds:
        last = runs.get(feed.last_run)
        row = [feed.name, feed.format, feed.schedule or "—", "yes" if feed.enabled else "no"]
        table.add_row(*row, *_counts(last))
    Console().print(table)


@app.command("runs")
def list_runs(
    name: str = typer.Argument("", help="A feed's name; all runs when left out."),
    limit: int = typer.Option(20, min=1, max=1000, help="How many recent runs."),
) -> None:
    """List the recent runs of a feed (or of all feeds) with their counts."""
    setup_django()
    from cleannet.server.intel.models import Feed, FeedRun

    runs = FeedRun.objects.select_related("feed").order_by("-started_at", "-id")
    if name:
        if not Feed.objects.filter(name=name).exists():
            raise typer.BadParameter(f"no feed named {name!r} (see: cleannet feeds list)")
        runs = runs.filter(feed__name=name)
    table = Table("run", "feed", "sources", "status", "started", "read", "accepted",
                  "rejected", "duplicates", "events new", "merged", "error")  # fmt: skip
    for run in runs[:limit]:
        counts = _counts(run)
        table.add_row(str(run.pk), run.feed.name if run.feed else "—", run.source_name,
                      *counts, f"{run.events_created:,}", f"{run.events_merged:,}",
                      run.error.split("\n", 1)[0])  # fmt: skip
    Console().print(table)


@app.command("run")
def run_now(
    name: str = typer.Argument(..., help="The feed's name in the registry (docs/feeds.md)."),
    as_json: bool = typer.Option(False, "--json", help="End with the counts as one JSON line."),
) -> None:
    """Run a registry feed now: download it (or read its new files), then ingest it.

    Exit status as ``cleannet ingest``: 0 succeeded or partly, 1 failed or already
    running, 2 for a feed the registry does not have (or a registry that is not valid).
    """
    setup_django()
    from cleannet.cli.ingest import end_with_counts
    from cleannet.cli.progress import rows_read_bar
    from cleannet.core.errors import CleanNetError
    from cleannet.engines.feeds.registry import RegistryError
    from cleannet.server.intel.feed_runner import run_feed

    err = Console(stderr=True)
    try:
        with rows_read_bar(err) as advance:
            run = run_feed(name, progress=advance)
    except CleanNetError as error:  # RegistryError, FeedBusy, or a run taken over
        err.print(f"Feed {name} not run: {error}", style="red", markup=False, highlight=False)
        raise typer.Exit(code=2 if isinstance(error, RegistryError) else 1) from error
    end_with_counts(run, as_json)
