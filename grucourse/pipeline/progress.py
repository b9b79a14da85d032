"""A rich progress bar for a grading run: done, failed and time left."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class GradingProgress:
    """Counts finished submissions and those that came back with problems."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress = progress
        self._task = progress.add_task("grading", total=total, failed=0)
        self.failed = 0

    def advance(self, failed: bool) -> None:
        self.failed += failed
        self._progress.update(self._task, advance=1, failed=self.failed)


@contextmanager
def grading_progress(total: int, console: Console | None = None) -> Iterator[GradingProgress]:
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("[red]{task.fields[failed]} with problems"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        yield GradingProgress(progress, total)
