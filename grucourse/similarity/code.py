"""The code a student wrote in a notebook, cell by cell.

Only code cells count: markdown is prose and outputs are computed. Cells left exactly as the
released template gave them are dropped here, so that reports show what the student wrote; code
the template gave inside edited cells is removed later by boilerplate subtraction.

Notebooks are hostile input: they are read like the grader reads them (`read_notebook`, bounded
by the course's `NotebookLimits` before the JSON is parsed), and refused with a message naming
the file and the limit, so one bad notebook costs milliseconds and never stops the run.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from grucourse.judge.notebook import NotebookLimits, NotebookUnreadable, read_notebook


class UnreadableNotebook(Exception):
    """A notebook that cannot be read; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _python_only(source: str) -> str:
    """Drops IPython-only lines (`%timeit`, `!pip`): not Python, and no sign of authorship."""
    return "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))).strip()


def code_cells(path: Path, limits: NotebookLimits | None = None, below: Path | None = None) -> list[str]:
    """Sources of the notebook's non-empty code cells, IPython magics removed (see
    read_notebook for `below`: links out of a submission folder are refused)."""
    try:
        notebook = read_notebook(path, below, limits)
    except NotebookUnreadable as exc:
        raise UnreadableNotebook(path, str(exc)) from None
    sources = [_python_only(cell.source) for cell in notebook.cells if cell.cell_type == "code"]
    return [source for source in sources if source]


def student_cells(
    path: Path, template_cells: Sequence[str] = (), limits: NotebookLimits | None = None, below: Path | None = None
) -> list[str]:
    """The notebook's code cells that differ from every template cell."""
    given = set(template_cells)
    return [cell for cell in code_cells(path, limits, below) if cell not in given]
