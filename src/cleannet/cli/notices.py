"""``cleannet notices …``: deliver the outbox and look at what it holds.

Other parts of notices add their commands to ``app`` from their own modules
(``cli/notices_*.py``), registered next to these in ``cli/app.py``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cleannet.cli.django_setup import setup_django

if TYPE_CHECKING:
    from cleannet.server.notices.worker import DrainSummary

app = typer.Typer(
    help="Notices to network owners and subscribers: the outbox.", no_args_is_help=True
)

STATUSES = ("pending", "sending", "sent", "delivered", "failed")


def summary_line(summary: DrainSummary) -> str:
    """One line: sent, failed, retried (and taken over), the rate."""
    line = (
        f"{summary.sent:,} sent, {summary.failed:,} failed, {summary.retried:,} to retry later "
        f"in {summary.seconds:.1f} s ({summary.per_second:,.0f} msgs/s)"
    )
    return line + (f"; {summary.lost:,} taken over by another worker" if summary.lost else "")


@app.command("send-pending")
def send_pending(
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker processes."),
    until_empty: bool = typer.Option(
        True, "--until-empty/--forever", help="Stop when nothing is due, or keep waiting."
    ),
    batch_size: int = typer.Option(
        0, "--batch-size", min=0, help="Messages per claim (0: CLEANNET_NOTICES_BATCH_SIZE)."
    ),
    max_seconds: float = typer.Option(0, "--max-seconds", min=0, help="Stop after (0: never)."),
) -> None:
    """Send the messages that are due, then print what happened.

    Exit status 0 when nothing failed for good in this run, 1 otherwise.
    """
    setup_django()
    from cleannet.cli.progress import progress_bar
    from cleannet.server.notices.worker import deliver_pending, run_workers

    size, limit = batch_size or None, max_seconds or None
    with progress_bar("Sending notices") as advance:
        if workers == 1:
            summary = deliver_pending(
                batch_size=size, until_empty=until_empty, max_seconds=limit, progress=advance
            )
        else:
            summary = run_workers(
                workers, batch_size=size, until_empty=until_empty, max_seconds=limit,
                progress=advance,
            )  # fmt: skip
    typer.echo(summary_line(summary))
    if summary.failed:
        raise typer.Exit(code=1)


def _age(delta: dt.timedelta | None) -> str:
    if delta is None:
        return "—"
    seconds = int(delta.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h {rest // 60:02d}m" if hours else f"{rest // 60}m {rest % 60:02d}s"


def _counts_table(counts: dict[str, dict[str, int]]) -> Table:
    table = Table("channel", *STATUSES, "total", title="Outbox")
    for channel in sorted(counts):
        row = counts[channel]
        cells = [f"{row.get(status, 0):,}" for status in STATUSES]
        table.add_row(channel, *cells, f"{sum(row.values()):,}")
    return table


@app.command("status")
def status(
    failures: int = typer.Option(10, "--failures", min=0, max=1000, help="Recent failures."),
    suppressed: int = typer.Option(20, "--suppressed", min=0, max=1000, help="Suppressed shown."),
) -> None:
    """Show the outbox: messages per status and channel, the oldest waiting message, recent
    permanent failures with their reasons and the suppressed recipients."""
    setup_django()
    from cleannet.server.notices import outbox_status

    console = Console()
    console.print(_counts_table(outbox_status.status_counts()))
    console.print(f"Oldest waiting message: {_age(outbox_status.oldest_pending_age())}")
    failed = Table("failed at", "ticket", "channel", "stage", "attempts", "reason",
                   title="Recent failures")  # fmt: skip
    for row in outbox_status.recent_failures(failures):
        at = f"{row.failed_at:%Y-%m-%d %H:%M}" if row.failed_at else ""
        failed.add_row(at, escape(row.ticket_ref), row.channel, row.stage, str(row.attempts),
                       escape(row.last_error))  # fmt: skip
    console.print(failed)
    quiet = Table("suppressed at", "channel", "recipient (hash)", "failures", "last reason",
                  title="Suppressed recipients")  # fmt: skip
    for entry in outbox_status.suppressed_recipients(suppressed):
        at = f"{entry.suppressed_at:%Y-%m-%d %H:%M}" if entry.suppressed_at else ""
        quiet.add_row(at, entry.channel, entry.recipient_hash[:16], str(entry.failures),
                      escape(entry.reason))  # fmt: skip
    console.print(quiet)
