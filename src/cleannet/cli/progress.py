"""Rich progress bars for long jobs, drawn on stderr so stdout stays for data (`--output -`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

Advance = Callable[[int, int], None]


@contextmanager
def progress_bar(description: str) -> Iterator[Advance]:
    """Yield ``advance(done, total)``; the bar is drawn on stderr while the block runs."""
    columns = (
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
        TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, transient=False, console=Console(stderr=True)) as progress:
        task = progress.add_task(description, total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield advance


@contextmanager
def rows_read_bar(console: Console | None = None) -> Iterator[Callable[[int], None]]:
    """Yield ``advance(rows_read)`` for jobs of unknown size; the bar is gone after the block."""
    columns = (SpinnerColumn(), TextColumn("{task.completed:,} rows read"), TimeElapsedColumn())
    console = console or Console(stderr=True)
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("rows", total=None)
        yield lambda read: progress.update(task, completed=read)
