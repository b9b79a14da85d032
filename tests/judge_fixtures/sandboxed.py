"""Running cells in the real sandbox from a test: once, or kept alive while another sandbox runs."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

from grucourse.judge.runner import CellRun, NotebookRunner
from grucourse.judge.sandbox import Sandbox


@contextlib.contextmanager
def alive(*cells: str, **limits) -> Iterator[tuple[list[CellRun], list[str]]]:
    """Runs `cells` in a fresh sandbox and keeps its worker (and whatever it holds) running
    until the block ends; yields each cell's run and the runner's log."""
    log: list[str] = []
    runner = NotebookRunner(list(enumerate(cells)), Sandbox(**limits), log)
    try:
        runs = runner.run_cells()
        yield [runs[i] for i in range(len(cells))], log
    finally:
        runner.close()


def run(*cells: str, **limits) -> tuple[list[CellRun], list[str]]:
    """Runs `cells` in a fresh sandbox, which is gone when this returns."""
    with alive(*cells, **limits) as (runs, log):
        return runs, log
